"""`bookeo-bot shell`: the bot in a terminal, with a stand-in Slack and the sandbox."""
