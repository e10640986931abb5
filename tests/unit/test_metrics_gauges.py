"""Gauges read the objects they watch at scrape time; Slack's 429s are counted."""

from __future__ import annotations

from bot.metrics import Metrics


class Watched:
    def __init__(self) -> None:
        self.backlog: dict[str, int] = {}
        self.leading = False


def test_gauges_follow_what_they_watch_and_429s_are_counted() -> None:
    metrics = Metrics()
    watched = Watched()
    metrics.watch_backlog(watched)
    metrics.watch_scheduler(watched)
    before = metrics.render().decode()
    assert "bookeo_bot_scheduler_leader 0.0" in before
    assert 'bookeo_bot_inbox{state="pending"}' not in before
    watched.backlog = {"pending": 3, "done": 5}  # the delivery worker swaps its snapshot
    watched.leading = True
    metrics.on_slack_rate_limited("chat.update", {"channel": "C1"}, 2.0)
    after = metrics.render().decode()
    assert "bookeo_bot_scheduler_leader 1.0" in after
    assert 'bookeo_bot_inbox{state="pending"} 3.0' in after
    assert 'bookeo_bot_inbox{state="done"} 5.0' in after
    assert "bookeo_bot_slack_rate_limited_total 1.0" in after
