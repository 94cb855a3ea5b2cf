"""The HTTP API for Stream Deck, Bitfocus Companion and scripts (docs/api.md).

``Authorization: Bearer <token>``, tokens from ``manage.py create_api_token``. Token calls need
no CSRF token: a browser never sends the header on its own. Commands go through the same code
as the show caller's page (:func:`episodes.commands.run`).
"""

import hashlib
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.models import User
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from showrunner import throttle
from showrunner.auth import Action, can, visible_shows

from . import commands, live_screens, stream_access
from .live_clock import ACTIONS, InvalidAction
from .models import ApiToken, Episode
from .push import current_screen_state

TOKEN_PREFIX = "sr_"  # noqa: S105 - marks the value as ours, it is not a secret
CACHE_SECONDS = 10.0  # a revoked token stops working within this long
COMMANDS = (*ACTIONS, "message", "take_control")

# Only tokens that exist are kept, the most recently used first, at most CACHE_ENTRIES: a wrong
# token costs a query each time (and counts against the client's throttle), never memory.
CACHE_ENTRIES = 1024
_token_cache: OrderedDict[str, tuple[float, User | None, int | None]] = OrderedDict()
_access_cache: OrderedDict[tuple[int, int], tuple[float, JsonResponse | None]] = OrderedDict()


def remember(cache: OrderedDict, key: Any, value: Any) -> None:
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > CACHE_ENTRIES:
        cache.popitem(last=False)


def new_token(user: User, name: str = "") -> str:
    """Create a token for ``user``; the value is returned once and only its hash is kept."""
    value = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user, name=name, key_hash=token_hash(value), prefix=value[: len(TOKEN_PREFIX) + 5]
    )
    return value


def forget(key_hash: str) -> None:
    """Drop a token from this process's cache at once (it was revoked)."""
    _token_cache.pop(key_hash, None)


def token_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def token_user(request: HttpRequest) -> tuple[User | None, int | None]:
    """The user a bearer token belongs to, and the token's id (for telling repeats apart)."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None, None
    digest = token_hash(value.strip())
    now = time.monotonic()
    cached = _token_cache.get(digest)
    if cached is None or now - cached[0] > CACHE_SECONDS:
        token = (
            ApiToken.objects.filter(key_hash=digest, revoked_at__isnull=True)
            .select_related("user")
            .first()
        )
        if token is None:
            return None, None
        user = token.user if token.user.is_active else None
        cached = (now, user, token.pk)
        remember(_token_cache, digest, cached)
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    _, user, token_id = cached
    if user is None:
        return None, None
    return user, token_id


class ApiRequest(HttpRequest):
    """A request that :func:`api_view` let through: the token's user and the token's id."""

    api_user: User
    api_token_id: int


def api_view(view: Callable[..., JsonResponse]) -> Callable[..., JsonResponse]:
    @csrf_exempt
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        if throttle.blocked(request, "api-token"):
            return JsonResponse({"error": throttle.TOO_MANY}, status=429)
        user, token_id = token_user(request)
        if user is None:
            throttle.wrong_guess(request, "api-token")
            response = JsonResponse(
                {"error": "Send a valid API token: Authorization: Bearer <token>."}, status=401
            )
            response["WWW-Authenticate"] = 'Bearer realm="showrunner"'
            return response
        api_request = cast(ApiRequest, request)
        api_request.api_user = user
        api_request.api_token_id = cast(int, token_id)
        return view(api_request, *args, **kwargs)

    return wrapped


def episode_for(request: ApiRequest, pk: int, action: Action) -> Episode | JsonResponse:
    episode = (
        Episode.objects.select_related("show").filter(pk=pk, is_template=False).order_by().first()
    )
    if episode is None:
        return JsonResponse({"error": f"There is no episode {pk}."}, status=404)
    if not can(request.api_user, episode.show, action):
        return forbidden()
    return episode


def may_view(request: ApiRequest, pk: int) -> JsonResponse | None:
    """None if this token's user may read the episode, else the refusal. The answer is kept
    for a few seconds per user and episode (like the token itself), so a Stream Deck polling
    the state costs no query; a role taken away stops working within that time."""
    key = (request.api_user.pk, pk)
    now = time.monotonic()
    cached = _access_cache.get(key)
    if cached is None or now - cached[0] > CACHE_SECONDS:
        found = episode_for(request, pk, Action.VIEW)
        cached = (now, found if isinstance(found, JsonResponse) else None)
        remember(_access_cache, key, cached)
    return cached[1]


def forbidden() -> JsonResponse:
    return JsonResponse({"error": "This token may not do that on this show."}, status=403)


def json_body(request: HttpRequest) -> dict[str, Any]:
    """The command's JSON object; an empty body is an empty object, whatever the content type
    (a hardware button sends what it sends)."""
    if not request.body.strip():
        return {}
    return commands.command_json(request.body)


@api_view
@require_GET
def episodes(request: ApiRequest) -> JsonResponse:
    shows = visible_shows(request.api_user)
    found = (
        Episode.objects.filter(show__in=shows, is_template=False, archived_at__isnull=True)
        .select_related("show")
        .order_by("-starts_at", "-air_date", "-number")
    )
    return JsonResponse(
        {
            "episodes": [
                {
                    "id": episode.pk,
                    "show": {"slug": episode.show.slug, "name": episode.show.name},
                    "number": episode.number,
                    "title": episode.title,
                    "starts_at": episode.starts_at.isoformat() if episode.starts_at else None,
                    "status": episode.status,
                }
                for episode in found
            ]
        }
    )


@api_view
@require_GET
def live_state(request: ApiRequest, pk: int) -> JsonResponse:
    refused = may_view(request, pk)
    if refused is not None:
        return refused
    principal = stream_access.for_api_token(request.api_token_id)
    return JsonResponse(
        live_screens.at_now(current_screen_state(pk, live_screens.TEAM, principal), timezone.now())
    )


@api_view
@require_POST
def live_command(request: ApiRequest, pk: int, action: str) -> JsonResponse:
    episode = episode_for(request, pk, Action.CALL)
    if isinstance(episode, JsonResponse):
        return episode
    if action not in COMMANDS:
        return JsonResponse(
            {"error": f"“{action}” is not a command; use one of {', '.join(COMMANDS)}."},
            status=404,
        )
    try:
        data = json_body(request)
        request_id = commands.request_id_of(request.headers.get("Idempotency-Key"), data)
    except InvalidAction as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    done = commands.run(
        episode,
        action,
        data,
        user=request.api_user,
        source=f"token:{request.api_token_id}",
        request_id=request_id,
    )
    # The API answers with the state itself at the top level, as GET .../live does.
    principal = stream_access.for_api_token(request.api_token_id)
    state = current_screen_state(pk, live_screens.TEAM, principal, done.revision or 0)
    return JsonResponse(
        {**live_screens.at_now(state, timezone.now()), **done.fields()}, status=done.status
    )
