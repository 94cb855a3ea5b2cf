"""ASGI entry point served by uvicorn.

Ordinary requests go to Django's WSGI application run in a thread pool (a2wsgi): measured on a
2-core machine, that kept about 3,400 of the 3,700 requests/s that gunicorn's sync workers serve,
where Django's own ASGI handler served about 800. Only the live endpoints are served natively
here (episodes/push.py): the event stream, where thousands of open screens cost an idle
coroutine each rather than a thread each, and the clock screens time their round trips to.
"""

import gc
import ipaddress
import os
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, cast

from a2wsgi import WSGIMiddleware
from a2wsgi.wsgi_typing import WSGIApp
from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "showrunner.settings")
django_wsgi = get_wsgi_application()  # sets Django up, which the import below needs

from episodes import push  # noqa: E402
from showrunner import isolated, limits  # noqa: E402

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = push.Send  # a coroutine function: the live stream drives its sends by hand
App = Callable[[Scope, Receive, Send], Awaitable[None]]

# Threads for Django requests. More threads only contend for the interpreter lock: on 2 cores, 8
# served about 5% more requests than 16 (bench/live_state.py) and leave room for slow ones.
WSGI_THREADS = int(os.environ.get("SHOWRUNNER_WSGI_THREADS", "8"))

# Two casts where the libraries' types do not meet: django-stubs say WSGIHandler returns an
# HttpResponseBase, which declares no __iter__ (the HttpResponse and StreamingHttpResponse it
# returns are iterables of bytes); a2wsgi types scopes and events as its own TypedDicts, which
# the plain mappings uvicorn hands us (and push.py and limits.py use) are not.
django_app = cast(App, WSGIMiddleware(cast(WSGIApp, django_wsgi), workers=WSGI_THREADS))

LOCAL_ONLY = (
    "This Showrunner is a local install (no SECRET_KEY is set): it answers this machine only.\n"
    "To serve other machines, set SECRET_KEY, ALLOWED_HOSTS and SHOWRUNNER_BASE_URL as the "
    "README's production section says."
)
# A request thread busy in Python hands the interpreter over only every switch interval, and the
# live push waits up to that long each time it needs it back during a fan-out to every screen.
# Python's default is 5 ms; 1 ms shortens those waits (bench/stall.py, figures in DEVELOPERS.md).
SWITCH_INTERVAL = float(os.environ.get("SHOWRUNNER_SWITCH_INTERVAL", "0.001"))
sys.setswitchinterval(SWITCH_INTERVAL)


async def lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await push.hub.start()
            isolated.pool().start()  # the workers for heavy work, started in the background
            # Everything loaded so far (Django, the app) lives as long as the process: keep it
            # out of the collector's sweeps, which otherwise stall a fan-out to every screen.
            gc.collect()
            gc.freeze()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await push.hub.stop()
            await send({"type": "lifespan.shutdown.complete"})
            return


def is_loopback(client: tuple[str, int] | None) -> bool:
    if client is None:
        return True  # a Unix socket: only this machine reaches it
    try:
        return ipaddress.ip_address(client[0]).is_loopback
    except ValueError:
        return False


async def application(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        await lifespan(receive, send)
        return
    if settings.LOCAL and scope["type"] == "http" and not is_loopback(scope.get("client")):
        # A local install's key is on this machine's disk only, and its site is plain HTTP:
        # however uvicorn was started, it answers this machine alone.
        await limits.refuse(send, 403, LOCAL_ONLY)
        return
    if scope["type"] == "http":
        refusal = limits.body_refusal(scope)
        if refusal is not None:
            await limits.refuse(send, *refusal)
            return
    path = scope.get("path", "")
    if scope["type"] == "http" and path.startswith("/live/"):
        if path.startswith("/live/stream/"):
            await limits.limited_stream(scope, receive, send)
            return
        if path == "/live/time":
            await push.server_time(scope, receive, send)
            return
    await django_app(scope, receive, send)
