"""`python -m bot` runs the `bookeo-bot` command line."""

from bot.cli import main

raise SystemExit(main())
