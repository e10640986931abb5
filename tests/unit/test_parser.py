"""The /bookeo parser: every text gives a request or a usage line, never anything else."""

from __future__ import annotations

import json
import shlex
from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.permissions import Permission, Role
from bot.slack.commands.parser import (
    CustomerLookup,
    Find,
    Help,
    ListRoles,
    New,
    OnBooking,
    OnCall,
    Request,
    Roster,
    SetDigest,
    SetReminder,
    SetRole,
    Subscribe,
    Unsubscribe,
    UsageError,
    _words,
    parse_clock,
)
from bot.slack.commands.registry import BY_NAME, SUBCOMMANDS, parse, resolve
from bot.slack.views.lists import help_blocks

words = st.sampled_from(
    [s.name for s in SUBCOMMANDS] + ["", "#12", "<@U1|x>", "staff", "3", "days"]
)
texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(words, st.text(max_size=20)), max_size=6).map(" ".join),
)


@given(texts)
def test_any_text_parses_or_says_what_is_wrong(text: str) -> None:
    outcome: object
    try:
        outcome = parse(text)
    except UsageError as error:
        outcome = error
    if isinstance(outcome, UsageError):
        assert outcome.message.strip()
        assert len(outcome.message) < 300
        assert outcome.usage is None or outcome.usage.startswith("/bookeo ")
    else:
        assert isinstance(outcome, Request)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Help()),
        ("help", Help()),
        ("1234", Find("1234")),
        ("#1234", Find("1234")),
        ("find Ada Lovelace", Find("Ada Lovelace")),
        ("find +1 (555) 010-0199", Find("+1 (555) 010-0199")),
        ("today", Roster("Today", 0, 1)),
        ("tomorrow sunset kayak", Roster("Tomorrow", 1, 1, "sunset kayak")),
        ("upcoming", Roster("Next 7 days", 0, 7)),
        ("upcoming 3 days walking", Roster("Next 3 days", 0, 3, "walking")),
        ("upcoming 10d", Roster("Next 10 days", 0, 10)),
        ("new", New()),
        ("new Wine Tasting", New("Wine Tasting")),
        ("edit 1234", OnBooking("edit", "1234")),
        ("CANCEL #1234", OnBooking("cancel", "1234")),
        ("pay 1234", OnBooking("pay", "1234")),
        ("payments 1234", OnBooking("payments", "1234")),
        ("customer ada@example.com", CustomerLookup("ada@example.com")),
        ("role <@U0123ABC|sam> Cashier", SetRole("U0123ABC", Role.CASHIER)),
        ("roles", ListRoles()),
        ("subscribe", Subscribe(frozenset({"created", "changed", "canceled", "payments"}))),
        (
            'subscribe created,canceled product:"Sunset Kayak" within:2d quiet:22:00-07:00 broadcast:off',
            Subscribe(frozenset({"created", "canceled"}), "Sunset Kayak", 48, "22:00-07:00", False),
        ),
        (
            "subscribe urgent:off",
            Subscribe(frozenset({"created", "changed", "canceled", "payments"}), urgent_hours=0),
        ),
        ("subscribe canceled urgent:3d", Subscribe(frozenset({"canceled"}), urgent_hours=72)),
        ("unsubscribe", Unsubscribe()),
        ("unsubscribe #4", Unsubscribe(4)),
    ],
)
def test_what_each_subcommand_means(text: str, expected: object) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("smith", "Did you mean `/bookeo find smith`?"),
        ("find", "Tell me what to look for"),
        ("upcoming 0", "between 1 and 31"),
        ("cancel", "one booking number"),
        ("cancel 12 13", "one booking number"),
        ("pay ../../etc", "one booking number"),
        ("customer bob", "booking number or an email"),
        ("role sam staff", "Mention the person"),
        ("role <@U1> overlord", "`overlord` is not a role"),
        ("roles everyone", "takes nothing"),
        ("subscribe everything", "`everything` is not one of"),
        ("subscribe within:soon", "hours or days"),
        ("subscribe quiet:late", "two times"),
        ("unsubscribe some", "subscription number"),
        ("subscribe urgent:soon", "`urgent:`"),
        ("subscribe urgent:0h", "`urgent:`"),
    ],
)
def test_mistakes_are_explained(text: str, says: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse(text)
    assert says in caught.value.message


# -- digest and remind ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("digest 08:00", SetDigest(at=time(8, 0))),
        ("digest 8:05", SetDigest(at=time(8, 5))),
        ("digest 7:30pm", SetDigest(at=time(19, 30))),
        ("digest 12am", SetDigest(at=time(0, 0))),
        ('digest 08:00 product:"Sunset Kayak" always',
         SetDigest(at=time(8, 0), product="Sunset Kayak", always=True)),
        ("digest off", SetDigest(off=True)),
        ("digest", SetDigest()),
        ("remind 30m", SetReminder(minutes=30)),
        ("remind 2h product:kayak", SetReminder(minutes=120, product="kayak")),
        ("remind 90 minutes", SetReminder(minutes=90)),
        ("remind off", SetReminder(off=True)),
        ("remind", SetReminder()),
    ],
)  # fmt: skip
def test_digest_and_remind(text: str, expected: object) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("digest 8", "08:00"),  # 08:00 or 20:00? asked, not guessed
        ("digest 24:00", "08:00"),
        ("digest 13pm", "08:00"),
        ("digest 08:00 09:00", "08:00"),
        ("digest at breakfast", "08:00"),
        ("remind 2m", "between 5 minutes and 24 hours"),
        ("remind 25h", "between 5 minutes and 24 hours"),
        ("remind soon", "like `30m`"),
    ],
)
def test_digest_and_remind_explain_bad_input(text: str, says: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse(text)
    assert says in raised.value.message
    assert raised.value.usage is not None and raised.value.usage.startswith("/bookeo ")


@given(st.integers(0, 23), st.integers(0, 59))
def test_every_24_hour_time_reads_back(hour: int, minute: int) -> None:
    assert parse_clock(f"{hour:02d}:{minute:02d}") == time(hour, minute)
    twelve = hour % 12 or 12
    half = "am" if hour < 12 else "pm"
    assert parse_clock(f"{twelve}:{minute:02d}{half}") == time(hour, minute)


@given(st.text(max_size=40))
def test_parse_clock_never_raises(text: str) -> None:
    result = parse_clock(text)
    assert result is None or isinstance(result, time)


@given(st.text(alphabet=st.characters(blacklist_characters="\"'\\"), max_size=80))
def test_the_fast_split_is_shlex_for_text_without_quotes(text: str) -> None:
    assert _words(text) == shlex.split(text)


# -- the registry ---------------------------------------------------------------------------


def _as_slack_sends(example: str) -> str:
    """What Slack sends for an example typed by a person: with should_escape, a mention
    arrives as `<@U…|name>`."""
    return example.removeprefix("/bookeo ").replace("@sam", "<@U0SAM|sam>")


def test_subcommand_names_are_unique_and_lead_their_usage() -> None:
    names = [s.name for s in SUBCOMMANDS]
    assert len(names) == len(set(names))
    for subcommand in SUBCOMMANDS:
        assert subcommand.usage.split()[0] == subcommand.name
        assert subcommand.summary and subcommand.example.startswith(f"/bookeo {subcommand.name}")


@pytest.mark.parametrize("subcommand", SUBCOMMANDS, ids=lambda s: s.name)
def test_every_example_parses_to_its_own_subcommand(subcommand) -> None:
    resolved, request = resolve(_as_slack_sends(subcommand.example))
    assert resolved is subcommand
    assert isinstance(request, Request)
    assert subcommand.ack_text(request).strip()


def test_help_lists_every_subcommand_with_its_usage() -> None:
    shown = json.dumps([b.to_dict() for b in help_blocks(Role.STAFF, SUBCOMMANDS)])
    for subcommand in SUBCOMMANDS:
        assert json.dumps(f"`/bookeo {subcommand.usage}` — {subcommand.summary}")[1:-1] in shown


def test_a_usage_error_carries_the_usage_line_of_its_subcommand() -> None:
    with pytest.raises(UsageError) as raised:
        parse("payments")
    assert raised.value.usage == "/bookeo payments ‹booking›"


def test_what_each_subcommand_requires() -> None:
    def needs(text: str) -> Permission | None:
        subcommand, request = resolve(text)
        return subcommand.permission_for(request)

    assert needs("find 1234") is Permission.LOOKUP
    assert needs("role <@U1> staff") is Permission.MANAGE_ROLES
    for text in ("subscribe", "unsubscribe", "oncall <@U1>", "digest 08:00", "remind off"):
        assert needs(text) is Permission.MANAGE_CHANNELS, text
    for text in ("oncall", "digest", "remind"):  # showing a setting is for anyone
        assert needs(text) is None, text
    modals = {s.name for s in SUBCOMMANDS if s.opens_modal}
    assert modals == {"new", "edit", "cancel", "pay"}
    assert {BY_NAME[m].requires for m in modals} == {
        Permission.CREATE,
        Permission.EDIT,
        Permission.CANCEL,
        Permission.PAY,
    }


def test_parse_with_knows_only_the_grammar_it_is_given() -> None:
    from dataclasses import dataclass

    from bot.slack.commands.parser import Status, no_arguments, parse_with

    @dataclass(frozen=True)
    class Ping:
        usage: str = "ping"
        parse = staticmethod(no_arguments(Status))

    assert parse_with("ping", {"ping": Ping()}) == ("ping", Status())
    assert parse_with("1234", {"ping": Ping()}) == ("find", Find("1234"))
    with pytest.raises(UsageError) as raised:
        parse_with("ping now", {"ping": Ping()})
    assert raised.value.usage == "/bookeo ping"
    with pytest.raises(UsageError, match="I don't know `today`"):
        parse_with("today", {"ping": Ping()})


# -- text as Slack sends it (issue 15: inbound escaping) -------------------------------------


def _slack_escaped(text: str) -> str:
    """What Slack sends for text a person typed: &, < and > as entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("find smith &amp; jones", Find("smith & jones")),
        ("find &lt;b&gt;", Find("<b>")),
        ("find &amp;lt;", Find("&lt;")),  # unescaped once: the person typed `&lt;`
        ("tomorrow Fish &amp; Chips", Roster("Tomorrow", 1, 1, "Fish & Chips")),
        ("role <@U0123ABC|Sam Smith> staff", SetRole("U0123ABC", Role.STAFF)),
        ("oncall <!subteam^S0123ABC|@front-desk>", OnCall("S0123ABC")),
        ("oncall <!subteam^S0123ABC>", OnCall("S0123ABC")),
        (
            "subscribe product:\u201cSunset Kayak\u201d",
            Subscribe(frozenset({"created", "changed", "canceled", "payments"}), "Sunset Kayak"),
        ),
        ("digest 08:00 product:\u2018Fish &amp; Chips\u2019",
         SetDigest(at=time(8, 0), product="Fish & Chips")),
    ],
)  # fmt: skip
def test_text_is_read_as_slack_sends_it(text: str, expected: object) -> None:
    assert parse(text) == expected


_typed = st.text(alphabet="ab &<>;1", min_size=1, max_size=100).filter(lambda t: t.split())


@given(_typed)
def test_a_slack_escaped_search_is_the_search_typed(typed: str) -> None:
    assert parse("find " + _slack_escaped(typed)) == parse("find " + typed)
    assert parse("find " + _slack_escaped(typed)) == Find(" ".join(typed.split()))


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("role <@U" + "A" * 40 + "> staff", "Mention the person"),
        ("oncall <!subteam^S" + "A" * 70 + ">", "Mention one person or one user group"),
        ("oncall <@U" + "A" * 40 + "|sam>", "Mention one person or one user group"),
        ("unsubscribe 99999999999999999999", "There is no subscription #"),
        ("unsubscribe \u00b2\u00b3", "subscription number"),
        ("tody", "Did you mean `/bookeo today`?"),
        ("cancle 1001", "Did you mean `/bookeo cancel 1001`?"),
        ("subscibe created", "Did you mean `/bookeo subscribe created`?"),
    ],
)
def test_boundary_mistakes_are_usage_errors(text: str, says: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse(text)
    assert says in caught.value.message


@given(st.text(alphabet="0123456789\u00b2\u0663#", min_size=1, max_size=40))
def test_numbers_of_any_size_or_script_never_crash(number: str) -> None:
    for text in (f"unsubscribe {number}", number, f"find {number}", f"cancel {number}"):
        try:
            request = parse(text)
        except UsageError:
            continue
        if isinstance(request, Unsubscribe) and request.subscription_id is not None:
            assert 0 <= request.subscription_id < 2**63
        if isinstance(request, OnBooking):  # a booking number is ASCII (² is not a digit)
            assert request.booking_number.isascii()


def test_usage_lines_survive_slacks_parser() -> None:
    """Slack reads `<…>` as a link or mention, `&` as an entity: usage lines use neither."""
    for subcommand in SUBCOMMANDS:
        assert not set(subcommand.usage) & set("<>&"), subcommand.usage
    shown = json.dumps([b.to_dict() for b in help_blocks(Role.STAFF, SUBCOMMANDS)])
    assert "<" not in shown and "&" not in shown
