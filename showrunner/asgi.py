"""ASGI entry point served by uvicorn.

Ordinary requests go to Django's WSGI application run in a thread pool (a2wsgi): measured on a
2-core machine, that kept about 3,400 of the 3,700 requests/s that gunicorn's sync workers serve,
where Django's own ASGI handler served about 800. Only the live endpoints are served natively
here (episodes/push.py): the event stream, where thousands of open screens cost an idle
coroutine each rather than a thread each, and the clock screens time their round trips to.
"""

import gc
import os
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from a2wsgi import WSGIMiddleware
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "showrunner.settings")
django_wsgi = get_wsgi_application()  # sets Django up, which the import below needs

from episodes import push  # noqa: E402
from showrunner import isolated  # noqa: E402

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

# Threads for Django requests. More threads only contend for the interpreter lock: on 2 cores, 8
# served about 5% more requests than 16 (bench/live_state.py) and leave room for slow ones.
WSGI_THREADS = int(os.environ.get("SHOWRUNNER_WSGI_THREADS", "8"))

django_app = WSGIMiddleware(django_wsgi, workers=WSGI_THREADS)

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


async def application(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        await lifespan(receive, send)
        return
    path = scope.get("path", "")
    if scope["type"] == "http" and path.startswith("/live/"):
        if path.startswith("/live/stream/"):
            await push.stream(scope, receive, send)
            return
        if path == "/live/time":
            await push.server_time(scope, receive, send)
            return
    await django_app(scope, receive, send)
