"""Record-level access: one show's team never reaches another show's records.

The access matrix (tests/test_access_matrix.py) checks every URL against every role on one
show. This checks the records: two shows, A and B, each with a full team and full data. B's
producer, caller and host use every URL the resolver knows, and every record of show A is
checked, model by model, for every kind of access:

- **list / find**: every page, fragment, export, feed, search and API answer of show B (with
  searches for A's names) holds no text of A's record;
- **read**: every URL with A's record's id in it (the rest B's) shows nothing of it;
- **change**: every POST with A's record's id in the URL or the body changes no row of show A;
- **link**: no POST joins one of B's records to one of A's (a guest added, a question
  addressed, a segment led, a message sent).

The models come from the apps, so a new model without an entry in ``RECORDS`` fails
``test_every_model_of_a_shows_data_is_covered``.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from episodes import api, editing, onair, team
from episodes.models import (
    ApiToken,
    Appearance,
    Change,
    CommandReceipt,
    Episode,
    Invitation,
    LiveMessage,
    LiveState,
    NewsItem,
    Question,
    Reminder,
    Role,
    Screen,
    Segment,
    SegmentRun,
    Show,
    ShowRole,
)
from speakers import links
from speakers.models import ProfileChange, Speaker
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
from tests.test_access_matrix import ALL_URLS

pytestmark = pytest.mark.django_db

TEAM_ROLES = ("producer", "caller", "host")
ACTIONS = ("list/find", "read", "change", "link")


@dataclass
class Record:
    """How to find show A's rows of one model, the text that gives them away, and the names
    under which a URL or a form carries their id."""

    rows: Callable[["World"], models.QuerySet[Any]]
    markers: Callable[["World"], list[str]]
    url_ids: dict[str, Callable[["World"], Any]] = field(default_factory=dict)
    body_ids: tuple[str, ...] = ()


@dataclass
class World:
    a: dict[str, Any]
    b: dict[str, Any]
    clients: dict[str, Client]
    tokens: dict[str, str]


def in_a(model: type[models.Model], path: str) -> Callable[[World], models.QuerySet[Any]]:
    return lambda w: model._default_manager.filter(**{path: w.a["show"]})


RECORDS: dict[type[models.Model], Record] = {
    Show: Record(
        lambda w: Show.objects.filter(pk=w.a["show"].pk),
        lambda w: ["Alpha Show"],
        {"slug": lambda w: w.a["show"].slug},
    ),
    ShowRole: Record(
        in_a(ShowRole, "show"),
        lambda w: ["alpha-producer"],
        {"role_pk": lambda w: w.a["producer_role"].pk, "user_pk": lambda w: w.a["producer"].pk},
    ),
    Invitation: Record(
        in_a(Invitation, "show"),
        lambda w: ["invitee@alpha.example.org"],
        {"invitation_pk": lambda w: w.a["invitation"].pk},
    ),
    Episode: Record(
        lambda w: Episode.everything.filter(show=w.a["show"]),
        lambda w: ["ALPHA-EPISODE", "ALPHA-DRAFT"],
        {"pk": lambda w: w.a["episode"].pk, "episode_pk": lambda w: w.a["draft"].pk},
    ),
    Appearance: Record(
        in_a(Appearance, "episode__show"),
        lambda w: ["ALPHA-PREP"],
        {"appearance_pk": lambda w: w.a["appearance"].pk},
        ("to", "addressed_to", "owner"),
    ),
    Segment: Record(
        in_a(Segment, "episode__show"),
        lambda w: ["ALPHA-SEGMENT"],
        {"segment_pk": lambda w: w.a["segment"].pk, "item_pk": lambda w: w.a["segment"].pk},
        ("after", "segment"),
    ),
    Question: Record(
        in_a(Question, "segment__episode__show"),
        lambda w: ["ALPHA-QUESTION"],
        {"question_pk": lambda w: w.a["question"].pk},
    ),
    NewsItem: Record(
        in_a(NewsItem, "episode__show"),
        lambda w: ["ALPHA-NEWS", "alpha-news.example.org"],
        {"news_pk": lambda w: w.a["news"].pk},
    ),
    Change: Record(in_a(Change, "episode__show"), lambda w: ["ALPHA-CHANGE"]),
    LiveState: Record(in_a(LiveState, "episode__show"), lambda w: []),
    SegmentRun: Record(in_a(SegmentRun, "episode__show"), lambda w: ["ALPHA-SEGMENT"]),
    LiveMessage: Record(in_a(LiveMessage, "episode__show"), lambda w: ["ALPHA-MESSAGE"]),
    CommandReceipt: Record(in_a(CommandReceipt, "episode__show"), lambda w: ["alpha-request"]),
    ApiToken: Record(
        lambda w: ApiToken.objects.filter(user=w.a["producer"]),
        lambda w: [w.a["api_token"], "ALPHA-DECK"],
        {"token_pk": lambda w: w.a["api_token_pk"]},
    ),
    Reminder: Record(in_a(Reminder, "appearance__episode__show"), lambda w: ["alpha-print"]),
    Speaker: Record(
        in_a(Speaker, "show"),
        lambda w: ["Alphonse Guestly", "alphonse@alpha.example.org", w.a["link"], "alpha-photo"],
        {},
        ("speaker", "copy"),
    ),
    ProfileChange: Record(in_a(ProfileChange, "speaker__show"), lambda w: ["ALPHA-BIO"]),
    Screen: Record(
        in_a(Screen, "episode__show"),
        lambda w: ["ALPHA-SCREEN", "alpha-screen-id"],
        {"screen_pk": lambda w: w.a["screen"].pk},
        ("screen",),
    ),
}


def test_every_model_of_a_shows_data_is_covered() -> None:
    found = {
        model
        for label in ("episodes", "speakers")
        for model in apps.get_app_config(label).get_models()
    }

    assert found - set(RECORDS) == set(), "say how to find these models' rows in RECORDS"


def make_side(name: str, marker: str) -> dict[str, Any]:
    """A show with its team, an episode on air with a guest, and everything around them."""
    show = make_show(name=f"{name} Show", slug=f"{name.lower()}-show")
    episode = make_episode(
        show=show,
        title=f"{marker}-EPISODE",
        starts_at=datetime.now(UTC) + timedelta(days=1),
        join_url=f"https://{name.lower()}-studio.example.org/join",
    )
    guest = make_speaker(
        name="Alphonse Guestly" if marker == "ALPHA" else "Bea Bravo",
        email="alphonse@alpha.example.org" if marker == "ALPHA" else "bea@bravo.example.org",
        bio=f"{marker}-BIO",
        avatar=f"avatars/{marker.lower()}-photo.jpg",
        show=show,
    )
    appearance = make_appearance(episode, guest, notes=f"{marker}-PREP")
    segment = make_segment(episode, title=f"{marker}-SEGMENT", minutes=10)
    make_segment(episode, title=f"{marker}-WRAP", minutes=2)
    question = make_question(segment, appearance, text=f"{marker}-QUESTION?")
    news = make_news(
        episode, title=f"{marker}-NEWS", url=f"https://{name.lower()}-news.example.org/s"
    )
    users = {
        "producer": make_user((show, Role.PRODUCER), username=f"{name.lower()}-producer"),
        "caller": make_user((show, Role.SHOW_CALLER), username=f"{name.lower()}-caller"),
        "host": make_user((show, Role.HOST), username=f"{name.lower()}-host"),
    }
    link = links.ensure_link(guest)
    ProfileChange.objects.create(
        speaker=guest, changed_at=timezone.now(), fields={"bio": ["", f"{marker}-BIO"]}
    )
    Change.objects.create(
        episode=episode,
        user=users["producer"],
        created_at=timezone.now(),
        action="edit",
        description=f"{marker}-CHANGE",
        undo={"kind": "fields", "model": "episode", "pk": episode.pk, "before": {}, "version": 0},
    )
    Reminder.objects.create(
        appearance=appearance,
        kind=Reminder.Kind.DAY,
        fingerprint=f"{marker.lower()}-print",
        sent_at=timezone.now(),
    )
    api_token = api.new_token(users["producer"], f"{marker}-DECK")
    invitation = team.invite(
        show,
        f"invitee@{name.lower()}.example.org",
        Role.HOST,
        users["producer"],
        now=timezone.now(),
    )
    # A draft deleted a moment ago: restorable by its own show's team only.
    draft = make_episode(show=show, title=f"{marker}-DRAFT", status=Episode.Status.DRAFT)
    editing.delete_episode(draft, editing.Actor(users["producer"], timezone.now()))
    now = timezone.now()
    onair.perform(episode, "start", user=users["caller"], now=now, version=None, source="setup")
    make_run(segment, now - timedelta(minutes=30), 60)
    onair.claim_request(episode, f"{marker.lower()}-request", "next", now=now)
    onair.send_message(episode, f"{marker}-MESSAGE host", user=users["caller"], now=now)
    onair.send_message(
        episode, f"{marker}-MESSAGE guest", user=users["caller"], now=now, to=appearance
    )
    screen = Screen.objects.create(
        episode=episode,
        screen_id=f"{marker.lower()}-screen-id",
        principal_key=f"user:{users['host'].pk}",
        kind="host",
        principal=f"{name.lower()}-host",
        name=f"{marker}-SCREEN",
        user_agent="Chrome on Linux",
        first_seen=now,
        last_seen=now,
    )
    return {
        "screen": screen,
        "show": show,
        "episode": episode,
        "speaker": guest,
        "appearance": appearance,
        "segment": segment,
        "question": question,
        "news": news,
        "link": link,
        "api_token": api_token,
        "api_token_pk": ApiToken.objects.get(name=f"{marker}-DECK").pk,
        "invitation": invitation,
        "draft": draft,
        "producer_role": ShowRole.objects.get(show=show, user=users["producer"]),
        **users,
    }


@pytest.fixture
def world() -> World:
    a = make_side("Alpha", "ALPHA")
    b = make_side("Bravo", "BRAVO")
    clients: dict[str, Client] = {}
    tokens: dict[str, str] = {}
    for role in TEAM_ROLES:
        clients[role] = Client()
        clients[role].force_login(b[role])
        tokens[role] = api.new_token(b[role], f"bravo {role}")
    return World(a, b, clients, tokens)


def b_kwargs(world: World) -> dict[str, Any]:
    b = world.b
    return {
        "slug": b["show"].slug,
        "pk": b["episode"].pk,
        "segment_pk": b["segment"].pk,
        "question_pk": b["question"].pk,
        "news_pk": b["news"].pk,
        "appearance_pk": b["appearance"].pk,
        "kind": "segments",
        "item_pk": b["segment"].pk,
        "action": "next",
        "page": "full",  # a stream graphics page (its key is the show's: none is given here)
        "token": b["link"],
        "role_pk": b["producer_role"].pk,
        "user_pk": b["producer"].pk,
        "invitation_pk": b["invitation"].pk,
        "episode_pk": b["draft"].pk,
        "token_pk": b["api_token_pk"],
        "screen_pk": b["screen"].pk,
    }


def url_for(route: str, name: str, kwargs: dict[str, Any]) -> str:
    wanted = {k: v for k, v in kwargs.items() if f"<{k}>" in route or f":{k}>" in route}
    return reverse(name, kwargs=wanted)


TEAM_URLS = [(name, route) for name, route in ALL_URLS if "<str:token>" not in route]


def request(world: World, role: str, method: str, url: str, body: dict[str, Any]) -> Any:
    client = world.clients[role]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {world.tokens[role]}"} if "/api/" in url else {}
    if method == "get":
        return client.get(url, body, **headers)
    if "/api/" in url or "/live/" in url:
        return client.post(url, json.dumps(body), content_type="application/json", **headers)
    return client.post(url, body, **headers)


def leaks(world: World, text: str) -> dict[str, list[str]]:
    """A's records whose markers appear in ``text``, by model."""
    found: dict[str, list[str]] = {}
    for model, record in RECORDS.items():
        hits = [marker for marker in record.markers(world) if marker and marker in text]
        if hits:
            found[model.__name__] = hits
    return found


def a_rows(world: World) -> dict[str, list[dict[str, Any]]]:
    """Every row of show A, model by model, to tell whether anything changed."""
    rows = {
        model.__name__: list(record.rows(world).order_by("pk").values())
        for model, record in RECORDS.items()
    }
    rows["Question.addressed_to"] = sorted(
        Question.addressed_to.through.objects.filter(
            question__segment__episode__show=world.a["show"]
        ).values_list("question_id", "appearance_id")
    )
    return rows


def cross_links(world: World) -> list[str]:
    """Rows that join a record of one show to a record of another."""
    found = []
    if Appearance.objects.exclude(speaker__show=models.F("episode__show")).exists():
        found.append("an appearance of another show's speaker")
    if Question.addressed_to.through.objects.exclude(
        appearance__episode=models.F("question__segment__episode")
    ).exists():
        found.append("a question addressed to another episode's guest")
    if (
        Segment.objects.exclude(owner__isnull=True)
        .exclude(owner__episode=models.F("episode"))
        .exists()
    ):
        found.append("a segment led by another episode's guest")
    if (
        LiveMessage.objects.exclude(appearance__isnull=True)
        .exclude(appearance__episode=models.F("episode"))
        .exists()
    ):
        found.append("a message to another episode's guest")
    return found


def body_with(world: World, ids: dict[str, Any]) -> dict[str, Any]:
    """A form body of the names the views read, pointing at ``ids`` where they name records."""
    return {
        "version": 1,
        "layout_version": 1,
        "field": "title",
        "title": "changed",
        "text": "changed",
        "notes": "changed",
        "name": "Alphonse Guestly",
        "role": "guest",
        "q": "Alph",
        "status": "asked",
        "on": "true",
        "seconds": 60,
        "direction": "down",
        "action": "revoke",
        "command": "reload",
        "kind": "host",
        **ids,
    }


def a_ids_for_bodies(world: World) -> dict[str, Any]:
    a = world.a
    return {
        "to": a["appearance"].pk,
        "addressed_to": a["appearance"].pk,
        "owner": a["appearance"].pk,
        "after": a["segment"].pk,
        "segment": a["segment"].pk,
        "speaker": a["speaker"].pk,
        "copy": a["speaker"].pk,
        "screen": a["screen"].screen_id,
    }


SEARCHES = ["Alph", "alphonse", "ALPHA", "Guestly", "alpha.example.org"]


@pytest.mark.parametrize("role", TEAM_ROLES)
def test_list_and_find_show_nothing_of_another_show(world: World, role: str) -> None:
    kwargs = b_kwargs(world)
    for name, route in TEAM_URLS:
        url = url_for(route, name, kwargs)
        for query in [{}, *({"q": q} for q in SEARCHES)]:
            response = request(world, role, "get", url, query)
            text = response.content.decode(errors="replace")
            assert not leaks(world, text), f"GET {url} {query} as B's {role}: {leaks(world, text)}"


@pytest.mark.parametrize("role", TEAM_ROLES)
@pytest.mark.parametrize(
    "model", [m for m, r in RECORDS.items() if r.url_ids], ids=lambda model: model.__name__
)
def test_reading_another_shows_record_by_its_id_shows_nothing(
    world: World, role: str, model: type[models.Model]
) -> None:
    record = RECORDS[model]
    for id_name, a_id in record.url_ids.items():
        kwargs = {**b_kwargs(world), id_name: a_id(world)}
        for name, route in TEAM_URLS:
            if f":{id_name}>" not in route and f"<{id_name}>" not in route:
                continue
            response = request(world, role, "get", url_for(route, name, kwargs), {})
            text = response.content.decode(errors="replace")
            assert response.status_code >= 300 or not leaks(world, text), (
                f"GET {name} with A's {id_name} as B's {role}: {leaks(world, text)}"
            )


@pytest.mark.parametrize("role", TEAM_ROLES)
@pytest.mark.parametrize("model", list(RECORDS), ids=lambda model: model.__name__)
def test_changing_or_linking_another_shows_record_is_refused(
    world: World, role: str, model: type[models.Model]
) -> None:
    """POST every URL with A's record's id in the URL (the rest B's) and every form name that
    carries an id pointing at A's records: nothing of show A changes, nothing is joined."""
    record = RECORDS[model]
    before = a_rows(world)
    variants = [{**b_kwargs(world), k: v(world)} for k, v in record.url_ids.items()]
    variants.append(b_kwargs(world))  # B's own URLs, with A's ids in the body
    body_ids = {
        k: v
        for k, v in a_ids_for_bodies(world).items()
        if not record.body_ids or k in record.body_ids
    }
    for kwargs in variants:
        for name, route in TEAM_URLS:
            url = url_for(route, name, kwargs)
            response = request(world, role, "post", url, body_with(world, body_ids))
            assert response.status_code < 500, f"POST {url}: {response.status_code}"

    assert a_rows(world) == before, f"B's {role} changed show A's {model.__name__}"
    assert cross_links(world) == []


def test_importing_into_one_show_never_touches_another_shows_guest(world: World) -> None:
    document = (
        "# Bravo Show Episode 77, March 3, 2026\nCross\n\n"
        "Alphonse Guestly will join us to talk.\n\n**Questions** (5 mins)\n"
        "- Alphonse: how?\n"
    )
    producer = world.clients["producer"]
    preview = producer.post(
        reverse("episodes:import_preview", args=[world.b["show"].slug]), {"text": document}
    )
    shown = preview.content.decode()
    assert 'Alphonse Guestly (guest) · <span class="muted">new to Bravo Show' in shown
    assert "alphonse@alpha.example.org" not in shown
    assert world.a["link"] not in shown
    before = a_rows(world)
    saved = producer.post(
        reverse("episodes:import_save", args=[world.b["show"].slug]),
        {"document": preview.context["document"]},
    )

    assert saved.status_code == 302
    assert a_rows(world) == before
    assert cross_links(world) == []
    imported = Episode.objects.get(show=world.b["show"], number=77)
    assert imported.appearances.get().speaker.show == world.b["show"]


def test_a_guest_link_opens_only_its_own_shows_episodes(world: World) -> None:
    b_episode = world.b["episode"]
    a_speaker = world.a["speaker"]
    make_appearance(b_episode, make_speaker(name="Someone", show=world.b["show"]))
    # Even an appearance row put there by hand (bypassing the checks) opens nothing.
    Appearance.objects.bulk_create([Appearance(episode=b_episode, speaker=a_speaker)])
    client = Client()

    portal = client.get(reverse("speakers:guest_portal", args=[world.a["link"]]))
    page = client.get(reverse("speakers:guest_episode", args=[world.a["link"], b_episode.pk]))

    assert "BRAVO-EPISODE" not in portal.content.decode()
    assert page.status_code == 404
