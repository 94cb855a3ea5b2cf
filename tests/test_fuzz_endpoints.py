"""Every form and API endpoint under arbitrary requests.

Each URL the resolver knows (the access matrix's list) is requested, as someone allowed to use
it, with bodies and query strings made of the names the views and forms read, edge-case values
and the ids of real rows (this episode's and another show's), JSON bodies for the commands, and
files for the uploads; the URL's own ids and words are fuzzed too. Never a server error, and a
refused request (4xx, or a form shown again with errors) leaves every table as it was.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import event, given, settings
from hypothesis import strategies as st

from episodes import api, onair, team
from episodes.models import ApiToken, Episode, LiveMessage, Role, Screen, ShowRole
from speakers import links
from tests import fuzzing
from tests.factories import (
    make_appearance,
    make_episode,
    make_news,
    make_question,
    make_run,
    make_segment,
    make_show,
    make_speaker,
    make_user,
)
from tests.test_access_matrix import ALL_URLS, EXPECTED

pytestmark = pytest.mark.django_db

# Whom each URL is fuzzed as: the first of these the table lets in.
PREFERENCE = ("producer", "caller", "guest_a", "host", "anonymous")
# Logging out ends the session the other requests need; it takes no input anyway.
LEFT_OUT = {"logout"}


def fuzzed_as(name: str, method: str) -> str | None:
    allowed = getattr(EXPECTED[name], method)
    if allowed is None:
        return None
    return next((role for role in PREFERENCE if allowed[role] == "ok"), None)


CASES = [
    (name, route, method, role)
    for name, route in ALL_URLS
    for method in ("get", "post")
    if name not in LEFT_OUT and (role := fuzzed_as(name, method)) is not None
]


@dataclass
class World:
    users: dict[str, Any]
    kwargs: dict[str, Any]
    ids: list[str]


@pytest.fixture
def world() -> World:
    show = make_show(slug="the-show")
    episode = make_episode(show=show, title="Widgets", starts_at=datetime.now(UTC) + timedelta(2))
    guest = make_speaker(name="Alex Ames", email="a@example.org", time_zone="Asia/Tokyo")
    on_air = make_appearance(episode, guest)
    make_appearance(episode, make_speaker(name="Bo Brandt"), role="co_host")
    talk = make_segment(episode, title="Talk", planned_seconds=600, planned_max_seconds=900)
    make_segment(episode, title="Wrap", kind="wrap_up", minutes=2)
    question = make_question(talk, on_air, text="How did you start?")
    make_question(talk, text="For everyone", for_everyone=True)
    news = make_news(episode)
    make_run(talk, datetime.now(UTC) - timedelta(days=9), 620)
    LiveMessage.objects.create(episode=episode, text="Wrap up", created_at=datetime.now(UTC))
    onair.state_of(episode)  # the clock's row, made on first sight by any live page

    elsewhere = make_episode(title="Another show's")
    foreign_segment = make_segment(elsewhere)
    foreign_guest = make_appearance(elsewhere)
    foreign_question = make_question(foreign_segment, foreign_guest)

    users = {
        "host": make_user((show, Role.HOST)),
        "caller": make_user((show, Role.SHOW_CALLER)),
        "producer": make_user((show, Role.PRODUCER)),
    }
    kwargs = {
        "slug": show.slug,
        "pk": episode.pk,
        "segment_pk": talk.pk,
        "question_pk": question.pk,
        "news_pk": news.pk,
        "appearance_pk": on_air.pk,
        "kind": "segments",
        "item_pk": talk.pk,
        "action": "next",
        "token": links.ensure_link(guest),
        "role_pk": ShowRole.objects.get(user=users["host"]).pk,
        "user_pk": users["host"].pk,
        "invitation_pk": team.invite(
            show, "new@example.org", Role.HOST, users["producer"], now=datetime.now(UTC)
        ).pk,
        "episode_pk": episode.pk,
        "token_pk": ApiToken.objects.get(
            key_hash=api.token_hash(api.new_token(users["producer"]))
        ).pk,
        "uidb64": "MQ",
        "screen_pk": Screen.objects.create(
            episode=episode,
            screen_id="hostscreen1",
            principal_key=f"user:{users['host'].pk}",
            kind="host",
            principal="host",
            first_seen=datetime.now(UTC),
            last_seen=datetime.now(UTC),
        ).pk,
    }
    ids = [
        str(pk)
        for pk in (
            episode.pk, talk.pk, question.pk, news.pk, on_air.pk, guest.pk, elsewhere.pk,
            foreign_segment.pk, foreign_guest.pk, foreign_question.pk,
        )
    ]  # fmt: skip
    return World(users, kwargs, ids)


@st.composite
def url_kwargs(draw: st.DrawFn, world: World, route: str) -> dict[str, Any]:
    """The URL's own parts: usually the real ones, sometimes another row's, a wrong word, a
    number too big for any column."""
    chosen: dict[str, Any] = {}
    for key, value in world.kwargs.items():
        if f"<{key}>" not in route and f":{key}>" not in route:
            continue
        if draw(st.integers(0, 3)) == 0:
            if key == "kind":
                value = draw(st.sampled_from(["questions", "news", "guests", "x"]))
            elif key == "action":
                value = draw(st.sampled_from([*api.COMMANDS, "explode"]))
            elif key.endswith("pk"):
                value = draw(
                    st.sampled_from([int(i) for i in world.ids] + [0, 2**31, 2**63, 10**30])
                )
            elif key == "token":
                value = draw(st.sampled_from([value[:-3] + "AAA", "x", value + "x"]))
        chosen[key] = value
    return chosen


def address(route: str, kwargs: dict[str, Any]) -> str:
    """The route filled in by hand: ``reverse`` would refuse the ids its converters do not
    match, and those are among the addresses to try."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda part: quote(str(kwargs[part[1]])), route)


def refused(response: Any) -> bool:
    """A 4xx, or a page showing a form with errors."""
    if 400 <= response.status_code < 500:
        return True
    for context in response.context or []:
        form = context.get("form") if hasattr(context, "get") else None
        if form is not None and getattr(form, "is_bound", False) and form.errors:
            return True
    return False


@pytest.mark.parametrize(("name", "route", "method", "role"), CASES)
def test_no_request_breaks_an_endpoint(
    world: World, name: str, route: str, method: str, role: str
) -> None:
    client = Client()
    headers: dict[str, str] = {}
    users = world.users
    if name.startswith("episodes:api_"):
        headers["HTTP_AUTHORIZATION"] = f"Bearer {api.new_token(users[role])}"
    elif role in users:
        client.force_login(users[role])

    @settings(max_examples=fuzzing.EXAMPLES)
    @given(data=st.data())
    def fuzz(data: st.DataObject) -> None:
        fuzzing.count_example(f"{method.upper()} {name}")
        path = address(route, data.draw(url_kwargs(world, route)))
        extra = dict(headers)
        if data.draw(st.booleans()):
            extra["HTTP_HX_REQUEST"] = "true"
            extra["HTTP_HX_TRIGGER_NAME"] = data.draw(st.sampled_from(fuzzing.KEYS))
        with transaction.atomic():
            before = fuzzing.db_state()
            if method == "get":
                response = client.get(path, data.draw(fuzzing.query_strings(world.ids)), **extra)
            elif name.startswith("episodes:api_") or (
                name == "episodes:live_command" and data.draw(st.booleans())
            ):
                body = data.draw(fuzzing.json_body(world.ids))
                response = client.post(path, body, content_type="application/json", **extra)
            else:
                response = client.post(path, data.draw(fuzzing.form_data(world.ids)), **extra)

            assert response.status_code < 500
            event(f"status {response.status_code}")
            if refused(response):
                changed = fuzzing.changed_tables(before, fuzzing.db_state())
                assert not changed, f"refused with {response.status_code}, yet changed {changed}"
            transaction.set_rollback(True)

    fuzz()
    assert Episode.objects.filter(pk=world.kwargs["pk"]).exists()


HX_HEADERS = {"HTTP_HX_REQUEST": "true"}
# Every URL that creates a row: sent several times at once, as a double click, two producers or
# a retrying client would. Each answers (a refusal or a success), never a server error.
CREATES = [
    f"episodes:{name}"
    for name in (
        "new_episode", "duplicate_episode", "add_guest", "add_segment", "duplicate_segment",
        "add_question", "add_news", "import_save", "live_command",
    )
]  # fmt: skip


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", CREATES)
def test_parallel_creates_never_break_an_endpoint(world: World, name: str) -> None:
    route = dict(ALL_URLS)[name]
    role = fuzzed_as(name, "post")
    assert role is not None
    user = world.users[role]
    path = address(route, world.kwargs)
    guest = str(world.ids[5])  # the guest already on the episode: added again, at once

    @settings(max_examples=max(2, fuzzing.EXAMPLES // 3))
    @given(
        body=fuzzing.form_data(world.ids).map(
            lambda data: {k: v for k, v in data.items() if k not in fuzzing.FILE_KEYS}
        ),
        same=st.sampled_from([{}, {"speaker": guest}, {"name": "Pat Parallel"}, {"version": "1"}]),
        count=st.integers(2, 6),
    )
    def fuzz(body: dict[str, Any], same: dict[str, str], count: int) -> None:
        fuzzing.count_example(f"parallel POST {name}")
        data = {**body, **same}

        def post(_: int) -> int:
            client = Client(raise_request_exception=False)
            client.force_login(user)
            return client.post(path, data, **HX_HEADERS).status_code

        statuses = fuzzing.at_once(count, post)

        event(f"statuses {sorted(set(statuses))}")
        assert all(status < 500 for status in statuses), statuses

    fuzz()
