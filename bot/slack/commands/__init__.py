"""The `/bookeo` slash command: parser (pure) and handlers."""
