"""bookeo-bot: Slack chat-ops for Bookeo."""

__version__ = "0.1.0"
