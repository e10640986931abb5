"""The baseline for the ack-latency figure: a Slack endpoint written the naive way — it
checks the signature, then calls Bookeo, and only then answers Slack. Served alone:

    python -m bench.naive PORT BOOKEO_URL SIGNING_SECRET
"""

from __future__ import annotations

import sys

import httpx
import uvicorn
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.processes import BOOKEO_HEADERS


def build(bookeo_url: str, signing_secret: str) -> Starlette:
    verifier = SignatureVerifier(signing_secret)
    http = httpx.AsyncClient(base_url=bookeo_url, headers=BOOKEO_HEADERS, timeout=30)

    async def slack_events(request: Request) -> Response:
        body = await request.body()
        if not verifier.is_valid_request(body, dict(request.headers)):
            return Response(status_code=401)
        booking = await http.get("/bookings/1001")  # the lookup, before the answer
        return JSONResponse({"response_type": "ephemeral", "text": booking.text[:100]})

    return Starlette(routes=[Route("/slack/events", slack_events, methods=["POST"])])


if __name__ == "__main__":
    port, bookeo_url, secret = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    uvicorn.run(build(bookeo_url, secret), host="127.0.0.1", port=port, log_level="warning")
