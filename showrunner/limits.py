"""Bounds the ASGI entry enforces before a request reaches Django or the live push.

- Request bodies: a declared ``Content-Length`` over the bound is refused with 413 before a byte
  of the body is read (uvicorn stops reading from the socket while nobody asks for the body), a
  larger bound for the upload forms (photos, imports, the admin). A body without a length
  (chunked) is refused with 411: browsers and the API's clients always send one.
- Live streams: open streams are counted per link (the episode and audience a stream token
  names) and per client address, in this process; one more is refused with 429. Behind a
  proxy, uvicorn takes the client's address from ``X-Forwarded-For`` (``--forwarded-allow-ips``).

What only a proxy can bound (slow headers, idle connections) is in the README's production
section.
"""

import re
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs

from django.conf import settings
from django.core import signing

from episodes import push

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = push.Send  # a coroutine function: the live stream drives its sends by hand
App = Callable[[Scope, Receive, Send], Awaitable[None]]

# Anchored, no nested repetition: linear in the path's length.
UPLOAD_PATHS = re.compile(
    r"/(?:guest/[^/]+/profile/|shows/[^/]+/import/(?:save/|sheet/)?|admin/.*)"
)

open_streams: Counter[tuple[str, object]] = Counter()


def body_bound(path: str) -> int:
    if UPLOAD_PATHS.fullmatch(path):
        return settings.SHOWRUNNER_MAX_UPLOAD_BYTES
    return settings.SHOWRUNNER_MAX_REQUEST_BYTES


def body_refusal(scope: Scope) -> tuple[int, str] | None:
    """Why this request's body is refused (status and text), or None to serve it."""
    length: bytes | None = None
    chunked = False
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            length = value
        elif name == b"transfer-encoding":
            chunked = True
    if length is None:
        if chunked:
            return 411, "Send the request body with a Content-Length."
        return None
    if not length.isdigit() or len(length) > 18:
        return 400, "The Content-Length is not a number."
    bound = body_bound(scope.get("path", ""))
    if int(length) > bound:
        return 413, f"The request is too large: at most {bound:,} bytes here."
    return None


async def refuse(send: Send, status: int, text: str) -> None:
    body = text.encode() + b"\n"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def stream_holders(scope: Scope) -> list[tuple[str, object]] | None:
    """What an open stream counts against: its link and its client. None for a token that is
    not valid (the stream endpoint answers that itself)."""
    query = parse_qs(scope.get("query_string", b"").decode(errors="replace"))
    try:
        link = push.read_token(query.get("token", [""])[0])
    except (signing.BadSignature, ValueError, KeyError, TypeError):
        return None
    client = scope.get("client") or ("",)
    return [("link", link), ("client", client[0])]


@contextmanager
def stream_slot(holders: list[tuple[str, object]]) -> Iterator[bool]:
    """Holds one stream against ``holders`` while it is open; yields False when one is full."""
    bounds = {
        "link": settings.SHOWRUNNER_MAX_STREAMS_PER_LINK,
        "client": settings.SHOWRUNNER_MAX_STREAMS_PER_CLIENT,
    }
    if any(open_streams[holder] >= bounds[holder[0]] for holder in holders):
        yield False
        return
    open_streams.update(holders)
    try:
        yield True
    finally:
        open_streams.subtract(holders)
        for holder in holders:
            if open_streams[holder] <= 0:
                del open_streams[holder]


async def limited_stream(scope: Scope, receive: Receive, send: Send) -> None:
    """The live stream endpoint (episodes/push.py) within the per-link and per-client bounds."""
    holders = stream_holders(scope)
    if holders is None:
        await push.stream(scope, receive, send)
        return
    with stream_slot(holders) as allowed:
        if not allowed:
            await refuse(
                send,
                429,
                "Too many live screens are open on this link or from this address; "
                "close one and try again.",
            )
            return
        await push.stream(scope, receive, send)
