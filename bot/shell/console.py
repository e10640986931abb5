"""The terminal side of the shell: ask for a line, say something."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TextIO

Ask = Callable[[str], Awaitable[str | None]]


class Console:
    def __init__(self, *, out: TextIO, ask: Ask, echo: bool) -> None:
        self._out = out
        self._ask = ask
        self._echo = echo  # piped input: print each prompt with its answer, as a transcript

    async def ask(self, prompt: str) -> str | None:
        """The next line typed at `prompt`; None at the end of input."""
        answer = await self._ask(prompt)
        if self._echo:
            self._out.write(f"{prompt}{answer if answer is not None else ''}\n")
            self._out.flush()
        return answer

    def say(self, text: str) -> None:
        self._out.write(text + "\n")
        self._out.flush()
