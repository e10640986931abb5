"""A lean HTTP/1.1 load generator: keep-alive connections on asyncio streams.

The client shares the machine's cores with the bot. httpx spends about a millisecond of CPU
per request, so at 50 concurrent requests the figure measured the load generator as much as
the bot. This client writes a prepared request and reads the answer by its Content-Length,
and nothing more; requests are signed before the clock starts.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from urllib.parse import urlsplit

Request = tuple[str, bytes, dict[str, str]]  # path, body, headers


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str):
        self._reader, self._writer, self._host = reader, writer, host

    @classmethod
    async def open(cls, base_url: str) -> Connection:
        parts = urlsplit(base_url)
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        return cls(reader, writer, parts.netloc)

    @staticmethod
    def prepare(host: str, request: Request) -> bytes:
        path, body, headers = request
        head = [f"POST {path} HTTP/1.1", f"Host: {host}", f"Content-Length: {len(body)}"]
        head += [f"{name}: {value}" for name, value in headers.items()]
        return ("\r\n".join(head) + "\r\n\r\n").encode() + body

    async def send(self, raw: bytes) -> int:
        """Send one prepared request; the answer's status once it is fully read."""
        self._writer.write(raw)
        status_line = await self._reader.readline()
        length = 0
        while (line := await self._reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        if length:
            await self._reader.readexactly(length)
        return int(status_line.split()[1])

    async def close(self) -> None:
        self._writer.close()
        await self._writer.wait_closed()


async def closed_loop(base_url: str, requests: Iterable[Request], concurrency: int) -> list[float]:
    """Send `requests` over `concurrency` connections, each sending its next as soon as its
    last was answered; seconds from send to complete answer, for each."""
    host = urlsplit(base_url).netloc
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for request in requests:
        queue.put_nowait(Connection.prepare(host, request))
    times: list[float] = []

    async def worker() -> None:
        connection = await Connection.open(base_url)
        try:
            while not queue.empty():
                raw = queue.get_nowait()
                started = time.perf_counter()
                status = await connection.send(raw)
                times.append(time.perf_counter() - started)
                assert status == 200, status
        finally:
            await connection.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return times


async def open_loop(
    base_url: str, requests: list[Request], rate: float, *, connections: int = 200
) -> tuple[list[float], float]:
    """Send `requests` at `rate` a second whatever the answers do (as Bookeo would), over up to
    `connections` keep-alive connections; latencies, and the rate actually sent."""
    host = urlsplit(base_url).netloc
    prepared = [Connection.prepare(host, request) for request in requests]
    idle: asyncio.Queue[Connection] = asyncio.Queue()
    opened = 0
    times: list[float] = []
    tasks: list[asyncio.Task[None]] = []

    async def one(raw: bytes, due: float) -> None:
        nonlocal opened
        if idle.empty() and opened < connections:
            opened += 1
            connection = await Connection.open(base_url)
        else:
            connection = await idle.get()
        status = await connection.send(raw)
        # From when it was due: time spent waiting for a free connection counts too.
        times.append(time.perf_counter() - due)
        idle.put_nowait(connection)
        assert status == 200, status

    began = time.perf_counter()
    for i, raw in enumerate(prepared):
        due = began + i / rate
        if (wait := due - time.perf_counter()) > 0:
            await asyncio.sleep(wait)
        tasks.append(asyncio.create_task(one(raw, max(due, time.perf_counter()))))
    sent = len(prepared) / (time.perf_counter() - began)
    await asyncio.gather(*tasks)
    while not idle.empty():
        await idle.get_nowait().close()
    return times, sent
