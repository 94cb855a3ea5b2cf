"""Who may open what: every URL the resolver knows, for every kind of person, against one table.

The URL patterns are read from the resolver, so a new URL without a line in ``EXPECTED`` fails
``test_every_url_is_in_the_table``. Each URL is requested with GET and POST by:

- ``anonymous``: nobody logged in;
- ``guest_a`` and ``guest_b``: people with a private guest link and no account. Guest URLs are
  built for guest A's episode: guest A's own link opens them, guest B's link must not;
- ``host``, ``caller``, ``producer``: logged in, with that role on the show. API URLs are called
  with each one's API token instead.

A person who may do something must reach the view (whatever it then says about the data sent:
an empty form is refused, and that is fine); a person who may not must be sent to log in,
refused (403, or 401 for the API) or told there is nothing there (404), and nothing changes.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.timezone import now

from episodes import api, team
from episodes.models import ApiToken, Episode, Role, Screen, ShowRole
from speakers import links
from tests.factories import (
    make_appearance,
    make_episode,
    make_news,
    make_question,
    make_segment,
    make_show,
    make_speaker,
    make_user,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "guest_a", "guest_b", "host", "caller", "producer")

# What each kind of URL lets each role do. Outcomes: "ok" reaches the view; "login" is sent to
# the login page; "deny" is 403 (401 for the API without a token); "hidden" is 404.
ANYONE = dict.fromkeys(ROLES, "ok")
LOGGED_IN = {"anonymous": "login", "guest_a": "login", "guest_b": "login",
             "host": "ok", "caller": "ok", "producer": "ok"}  # fmt: skip
TEAM = LOGGED_IN  # any role on the show
CALL = {**TEAM, "host": "deny"}
EDIT = {**TEAM, "host": "deny", "caller": "deny"}
MANAGE = EDIT  # the show's settings and team: its producers
OWN = {**LOGGED_IN, "host": "hidden", "caller": "hidden"}  # the producer's own API token
NOWHERE = dict.fromkeys(ROLES, "hidden")  # a link none of them has (an invitation)
GUEST_EPISODE = {"anonymous": "hidden", "guest_a": "ok", "guest_b": "hidden",
                 "host": "hidden", "caller": "hidden", "producer": "hidden"}  # fmt: skip
GUEST_OWN = {**GUEST_EPISODE, "guest_b": "ok"}  # B's own link opens B's own page
API_TEAM = {"anonymous": "deny", "guest_a": "deny", "guest_b": "deny",
            "host": "ok", "caller": "ok", "producer": "ok"}  # fmt: skip
API_CALL = {**API_TEAM, "host": "deny"}
TEAM_FEED = {**TEAM, "anonymous": "hidden", "guest_a": "hidden", "guest_b": "hidden"}
KEYED = dict.fromkeys(ROLES, "deny")  # the stream graphics: a key in the address, not a login
NOT_ALLOWED = None  # the method is refused (405), or the person is turned away first


@dataclass(frozen=True)
class Expect:
    get: dict[str, str] | None
    post: dict[str, str] | None


# The one table. The show in these requests keeps its upcoming page for its team only.
EXPECTED: dict[str, Expect] = {
    "login": Expect(ANYONE, ANYONE),
    "logout": Expect(NOT_ALLOWED, dict.fromkeys(ROLES, "login")),  # logged out, to the login
    "favicon": Expect(ANYONE, ANYONE),
    "password_reset": Expect(ANYONE, ANYONE),
    "password_reset_done": Expect(ANYONE, NOT_ALLOWED),
    "password_reset_confirm": Expect(ANYONE, ANYONE),
    "password_reset_complete": Expect(ANYONE, NOT_ALLOWED),
    "speakers:guest_lost_link": Expect(ANYONE, ANYONE),
    "account_tokens": Expect(LOGGED_IN, LOGGED_IN),
    "revoke_token": Expect(NOT_ALLOWED, OWN),
    # The guest portal
    "speakers:guest_portal": Expect(GUEST_OWN, NOT_ALLOWED),
    "speakers:guest_feed": Expect(GUEST_OWN, NOT_ALLOWED),
    "speakers:guest_profile": Expect(GUEST_OWN, GUEST_OWN),
    "speakers:guest_time_zone": Expect(NOT_ALLOWED, GUEST_OWN),
    "speakers:guest_episode": Expect(GUEST_EPISODE, NOT_ALLOWED),
    "speakers:guest_episode_calendar": Expect(GUEST_EPISODE, NOT_ALLOWED),
    "speakers:guest_live_state": Expect(GUEST_EPISODE, NOT_ALLOWED),
    "speakers:guest_live_read": Expect(NOT_ALLOWED, GUEST_EPISODE),
    "speakers:guest_live_screen": Expect(NOT_ALLOWED, GUEST_EPISODE),
    # Shows
    "episodes:home": Expect(LOGGED_IN, NOT_ALLOWED),
    "episodes:new_show": Expect(LOGGED_IN, LOGGED_IN),  # where anyone may create shows
    "episodes:show_detail": Expect(TEAM, NOT_ALLOWED),
    "episodes:show_settings": Expect(MANAGE, MANAGE),
    "episodes:archive_show": Expect(NOT_ALLOWED, MANAGE),
    "episodes:show_team": Expect(MANAGE, NOT_ALLOWED),
    "episodes:invite": Expect(NOT_ALLOWED, MANAGE),
    "episodes:withdraw_invitation": Expect(NOT_ALLOWED, MANAGE),
    "episodes:change_role": Expect(NOT_ALLOWED, MANAGE),
    "episodes:add_role": Expect(NOT_ALLOWED, MANAGE),
    "episodes:accept_invitation": Expect(NOWHERE, NOWHERE),
    "episodes:restore_episode": Expect(NOT_ALLOWED, EDIT),
    "episodes:new_episode": Expect(NOT_ALLOWED, EDIT),
    "episodes:edit_template": Expect(EDIT, NOT_ALLOWED),
    "episodes:import_preview": Expect(EDIT, EDIT),
    "episodes:import_save": Expect(NOT_ALLOWED, EDIT),
    "episodes:import_sheet": Expect(NOT_ALLOWED, EDIT),
    "episodes:show_report": Expect(TEAM, NOT_ALLOWED),
    "episodes:show_report_csv": Expect(TEAM, NOT_ALLOWED),
    "episodes:show_upcoming": Expect(TEAM, NOT_ALLOWED),
    "episodes:show_calendar": Expect(TEAM_FEED, NOT_ALLOWED),
    "episodes:overlay_page": Expect(
        KEYED, NOT_ALLOWED
    ),  # no key here: a transparent empty page, 403
    "episodes:overlay_state": Expect(KEYED, NOT_ALLOWED),
    "episodes:overlay_looks_css": Expect(KEYED, NOT_ALLOWED),
    "episodes:new_overlay_key": Expect(NOT_ALLOWED, MANAGE),
    "episodes:overlay_looks": Expect(NOT_ALLOWED, MANAGE),
    "episodes:live_graphics": Expect(CALL, NOT_ALLOWED),
    # An episode, read
    "episodes:episode_runsheet": Expect(TEAM, NOT_ALLOWED),
    "episodes:episode_print": Expect(TEAM, NOT_ALLOWED),
    "episodes:export_markdown": Expect(TEAM, NOT_ALLOWED),
    "episodes:export_json": Expect(TEAM, NOT_ALLOWED),
    "episodes:export_csv": Expect(TEAM, NOT_ALLOWED),
    "episodes:export_xlsx": Expect(TEAM, NOT_ALLOWED),
    "episodes:episode_report": Expect(TEAM, NOT_ALLOWED),
    "episodes:episode_report_csv": Expect(TEAM, NOT_ALLOWED),
    "episodes:episode_chapters": Expect(TEAM, EDIT),
    "episodes:episode_recap": Expect(TEAM, NOT_ALLOWED),
    # The editor
    "episodes:duplicate_episode": Expect(NOT_ALLOWED, EDIT),
    "episodes:archive_episode": Expect(NOT_ALLOWED, EDIT),
    "episodes:delete_episode": Expect(NOT_ALLOWED, EDIT),
    "episodes:episode_editor": Expect(EDIT, NOT_ALLOWED),
    "episodes:editor_revision": Expect(TEAM, NOT_ALLOWED),
    "episodes:editor_undo": Expect(NOT_ALLOWED, EDIT),
    "episodes:edit_header": Expect(NOT_ALLOWED, EDIT),
    "episodes:add_segment": Expect(NOT_ALLOWED, EDIT),
    "episodes:edit_segment": Expect(NOT_ALLOWED, EDIT),
    "episodes:duplicate_segment": Expect(NOT_ALLOWED, EDIT),
    "episodes:add_question": Expect(NOT_ALLOWED, EDIT),
    "episodes:edit_question": Expect(NOT_ALLOWED, EDIT),
    "episodes:add_news": Expect(NOT_ALLOWED, EDIT),
    "episodes:edit_news": Expect(NOT_ALLOWED, EDIT),
    "episodes:search_speakers": Expect(EDIT, NOT_ALLOWED),
    "episodes:add_guest": Expect(NOT_ALLOWED, EDIT),
    "episodes:edit_appearance": Expect(NOT_ALLOWED, EDIT),
    "episodes:edit_contact": Expect(NOT_ALLOWED, EDIT),
    "episodes:guest_link": Expect(NOT_ALLOWED, EDIT),
    "episodes:remove_guest": Expect(NOT_ALLOWED, EDIT),
    "episodes:delete_item": Expect(NOT_ALLOWED, EDIT),
    "episodes:move_item": Expect(NOT_ALLOWED, EDIT),
    # On air
    "episodes:live_caller": Expect(CALL, NOT_ALLOWED),
    "episodes:live_host": Expect(TEAM, NOT_ALLOWED),
    "episodes:live_state": Expect(TEAM, NOT_ALLOWED),
    "episodes:live_rehearsal": Expect(NOT_ALLOWED, CALL),
    "episodes:live_message_read": Expect(NOT_ALLOWED, TEAM),
    "episodes:live_question": Expect(NOT_ALLOWED, CALL),
    "episodes:live_command": Expect(NOT_ALLOWED, CALL),
    "episodes:live_studio": Expect(TEAM, NOT_ALLOWED),
    "episodes:live_screens": Expect(CALL, NOT_ALLOWED),
    "episodes:live_screen_heartbeat": Expect(NOT_ALLOWED, TEAM),
    "episodes:live_screen_name": Expect(NOT_ALLOWED, CALL),
    "episodes:live_screen_command": Expect(NOT_ALLOWED, CALL),
    # The HTTP API
    "episodes:api_episodes": Expect(API_TEAM, NOT_ALLOWED),
    "episodes:api_live_state": Expect(API_TEAM, NOT_ALLOWED),
    "episodes:api_live_command": Expect(NOT_ALLOWED, API_CALL),
}
# Not ours to enumerate: Django's admin (staff only, its own tests) and uploaded files served
# by a local install (where no web server is in front).
SKIPPED_PREFIXES = ("admin/", "^media/")


def walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    """Each URL's name ("app:name" inside an app) and route."""
    found: list[tuple[str, str]] = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found += walk(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or route.rstrip("/").split("/")[-1].split(".")[0]
            found.append((namespace + name, route))
    return found


ALL_URLS = walk(get_resolver().url_patterns)


def test_every_url_is_in_the_table() -> None:
    names = {name for name, _ in ALL_URLS}

    assert names - set(EXPECTED) == set(), "add these URLs to EXPECTED"
    assert set(EXPECTED) - names == set(), "these URLs no longer exist"


@dataclass
class World:
    episode: Episode
    urls: dict[str, Callable[[str], str]]
    clients: dict[str, Client]
    headers: dict[str, dict[str, str]]


@pytest.fixture
def world(settings: Any) -> World:
    settings.SHOWRUNNER_ANYONE_CREATES_SHOWS = True
    show = make_show(slug="the-show")
    episode = make_episode(
        show=show, title="Widgets", starts_at=datetime.now(UTC) + timedelta(days=2)
    )
    elsewhere = make_episode(title="B's own episode")
    guest_a = make_speaker(name="Alex Ames", email="a@example.org")
    guest_b = make_speaker(name="Bo Brandt", email="b@example.org")
    on_a = make_appearance(episode, guest_a)
    make_appearance(elsewhere, guest_b)
    segment = make_segment(episode, title="Talk", planned_seconds=600, planned_max_seconds=600)
    make_segment(episode, title="Wrap", planned_seconds=60, planned_max_seconds=60)
    question = make_question(segment, on_a, text="How did you start?")
    news = make_news(episode)
    tokens = {"guest_a": links.ensure_link(guest_a), "guest_b": links.ensure_link(guest_b)}
    forged = tokens["guest_a"][:-4] + "AAAA"

    users = {
        "host": make_user((show, Role.HOST)),
        "caller": make_user((show, Role.SHOW_CALLER)),
        "producer": make_user((show, Role.PRODUCER)),
    }
    clients = {role: Client() for role in ROLES}
    headers: dict[str, dict[str, str]] = {role: {} for role in ROLES}
    for role, user in users.items():
        clients[role].force_login(user)
        headers[role] = {"HTTP_AUTHORIZATION": f"Bearer {api.new_token(user)}"}
    producer_role = ShowRole.objects.get(show=show, user=users["producer"])
    invitation = team.invite(show, "new@example.org", Role.HOST, users["producer"], now=now())
    screen = Screen.objects.create(
        episode=episode,
        screen_id="hostscreen1",
        principal_key=f"user:{users['host'].pk}",
        kind="host",
        principal="host",
        first_seen=now(),
        last_seen=now(),
    )

    args = {
        "slug": show.slug,
        "pk": episode.pk,
        "segment_pk": segment.pk,
        "question_pk": question.pk,
        "news_pk": news.pk,
        "appearance_pk": on_a.pk,
        "kind": "segments",
        "item_pk": segment.pk,
        "action": "next",
        "page": "full",
        "role_pk": producer_role.pk,
        "user_pk": users["producer"].pk,
        "invitation_pk": invitation.pk,
        "episode_pk": episode.pk,
        "token_pk": ApiToken.objects.filter(user=users["producer"]).first().pk,
        "uidb64": "MQ",
        "screen_pk": screen.pk,
    }

    def builder(name: str, route: str) -> Callable[[str], str]:
        def build(role: str) -> str:
            kwargs = {key: value for key, value in args.items() if f"<{key}>" in route
                      or f":{key}>" in route}  # fmt: skip
            if "<str:token>" in route:
                kwargs["token"] = tokens.get(role, forged)
            return reverse(name, kwargs=kwargs)

        return build

    urls = {name: builder(name, route) for name, route in ALL_URLS}
    return World(episode, urls, clients, headers)


def outcome(response: Any) -> str:
    status = response.status_code
    if status == 302 and response["Location"].startswith("/accounts/login/"):
        return "login"
    if status in (401, 403):
        return "deny"
    if status == 404:
        return "hidden"
    if status == 405:
        return "method"
    assert status < 500, f"server error {status}"
    return "ok"


CASES = [(name, method) for name in sorted(EXPECTED) for method in ("get", "post")]


@pytest.mark.parametrize(("name", "method"), CASES)
def test_each_role_gets_what_the_table_says(world: World, name: str, method: str) -> None:
    expected = getattr(EXPECTED[name], method)
    for role in ROLES:
        revision = Episode.objects.get(pk=world.episode.pk).revision
        with transaction.atomic():
            response = getattr(world.clients[role], method)(
                world.urls[name](role), **world.headers[role]
            )
            got = outcome(response)
            if expected is None:
                assert got in ("login", "deny", "hidden", "method"), f"{role}: {got}"
            else:
                assert got == expected[role], (
                    f"{method.upper()} {name} as {role}: {got} ({response.status_code}), "
                    f"expected {expected[role]}"
                )
            if got != "ok":  # a refused request changed nothing
                assert Episode.objects.get(pk=world.episode.pk).revision == revision
            transaction.set_rollback(True)


CHANGES = sorted(
    name
    for name, expect in EXPECTED.items()
    if expect.post is not None and not name.startswith("episodes:api_") and name != "favicon"
)


@pytest.mark.parametrize("name", CHANGES)
def test_every_change_needs_the_csrf_token(world: World, name: str) -> None:
    """A browser session (or a guest's link) is not enough to change anything: a POST from
    another site, without the page's CSRF token, is refused and changes nothing. The API's
    bearer tokens are not sent by browsers on their own, so the API needs none."""
    role = "guest_a" if name.startswith("speakers:guest_") else "producer"
    client = Client(enforce_csrf_checks=True)
    if role == "producer":
        client.cookies = world.clients["producer"].cookies
    revision = Episode.objects.get(pk=world.episode.pk).revision

    response = client.post(world.urls[name](role))

    assert response.status_code == 403
    assert Episode.objects.get(pk=world.episode.pk).revision == revision
