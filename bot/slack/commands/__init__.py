"""The `/bookeo` slash command: the registry of subcommands (`registry`), their pure argument
parsers (`parser`), the listener (`handlers`), and one runner module per family (`lookups`,
`bookings`, `roles`, `relay`, `timed_posts`) that calls an operation and renders its result."""
