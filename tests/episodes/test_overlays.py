"""The stream graphics' keys, access and data (episodes/overlays.py, episodes/views/overlays.py):
per record, another show's key gets nothing; a new key ends the old; only what is on air is sent.
"""

import pytest
from django.test import Client
from django.utils import timezone

from episodes import commands, onair, overlay_looks, overlays, stream_access
from episodes.models import LiveMessage, Role, Segment, Show
from tests.factories import (
    make_appearance,
    make_episode,
    make_news,
    make_producer,
    make_question,
    make_segment,
    make_show,
    make_speaker,
    make_user,
)

pytestmark = pytest.mark.django_db


def on_air_episode(show: Show | None = None) -> tuple[Show, object]:
    show = show or make_show()
    episode = make_episode(show=show, starts_at=timezone.now())
    return show, episode


def test_a_key_opens_its_own_shows_overlays_only() -> None:
    show, _ = on_air_episode()
    other, _ = on_air_episode(make_show(name="Other", slug="other"))
    client = Client()
    ok = client.get(f"/overlays/{show.slug}/full/?key={overlays.overlay_key(show)}")
    assert ok.status_code == 200
    assert b'data-overlay="full"' in ok.content
    # The other show's key, on this show's address: a transparent empty page, nothing else.
    wrong = client.get(f"/overlays/{show.slug}/full/?key={overlays.overlay_key(other)}")
    assert wrong.status_code == 403
    assert b"<body></body>" in wrong.content
    assert client.get(f"/overlays/{show.slug}/state/?key={overlays.overlay_key(other)}").json() == {
        "state": None,
        "error": "This overlay key does not work.",
    }
    assert client.get(f"/overlays/{show.slug}/full/").status_code == 403
    assert client.get("/overlays/nope/full/?key=x").status_code == 403


def test_the_overlay_principal_follows_only_its_shows_episodes_and_only_its_current_key() -> None:
    show, episode = on_air_episode()
    _, other_episode = on_air_episode(make_show(name="Other", slug="other"))
    mine = stream_access.for_overlay(show)
    now = timezone.now()
    keys = {
        (episode.pk, overlays.AUDIENCE, mine),
        (other_episode.pk, overlays.AUDIENCE, mine),  # another show's episode
        (episode.pk, "team", mine),  # another audience
    }
    assert stream_access.allowed(keys, now=now) == {(episode.pk, overlays.AUDIENCE, mine)}
    show.overlay_secret = "renewed"
    show.save()
    assert stream_access.allowed({(episode.pk, overlays.AUDIENCE, mine)}, now=now) == set()


def test_a_new_key_is_the_producers_alone_and_revokes_the_old() -> None:
    show, _ = on_air_episode()
    old = overlays.overlay_key(show)
    caller = make_user((show, Role.SHOW_CALLER))
    client = Client()
    client.force_login(caller)
    assert client.post(f"/shows/{show.slug}/overlay-key/").status_code in (403, 404)
    show.refresh_from_db()
    assert overlays.overlay_key(show) == old
    client.force_login(make_producer(show))
    settings_page = client.get(f"/shows/{show.slug}/settings/")
    assert old.encode() in settings_page.content
    assert client.post(f"/shows/{show.slug}/overlay-key/").status_code == 302
    show.refresh_from_db()
    assert overlays.overlay_key(show) != old
    assert Client().get(f"/overlays/{show.slug}/full/?key={old}").status_code == 403


def test_an_overlay_is_sent_only_what_is_on_air() -> None:
    show, episode = on_air_episode()
    speaker = make_speaker(show=show, name="Dana Li", email="dana@example.org", title="Acme")
    guest = make_appearance(episode, speaker, notes="Private prep note")
    segment = make_segment(episode, title="Questions", kind=Segment.Kind.QUESTIONS, owner=guest)
    asked = make_question(segment, guest, text="What first?")
    make_question(segment, guest, text="Not asked yet")
    make_news(episode, title="Item", url="https://www.example.com/a", notes="News note")
    caller = make_user((show, Role.SHOW_CALLER), username="callerlogin")
    assert commands.run(episode, "start", {}, user=caller, source="test").ok
    assert commands.run(episode, "message", {"text": "Host only"}, user=caller, source="t").ok
    assert LiveMessage.objects.count() == 1
    done = commands.run(episode, "graphics", {"asking": str(asked.pk)}, user=caller, source="t")
    assert done.ok, done.error
    data = overlays.overlay_view(episode.pk)
    text = str(data)
    assert data["asking"] == {"id": asked.pk, "text": "What first?", "for": "Dana Li"}
    assert data["people"][0]["title"] == "Acme"
    for secret in ("Not asked yet", "dana@example.org", "Private prep note", "Host only",
                   "News note", "callerlogin"):  # fmt: skip
        assert secret not in text
    assert data["news"] is None  # not the news segment


def test_graphics_commands_are_checked() -> None:
    show, episode = on_air_episode()
    _, other_episode = on_air_episode(make_show(name="Other", slug="other"))
    segment = make_segment(episode, title="News", kind=Segment.Kind.NEWS)
    foreign = make_question(make_segment(other_episode, title="Q"), text="Theirs")
    make_news(episode, title="One", url="https://one.example/")
    make_news(episode, title="Two", url="https://two.example/")
    caller = make_user((show, Role.SHOW_CALLER))
    assert commands.run(episode, "start", {}, user=caller, source="t").ok
    refused = commands.run(
        episode, "graphics", {"asking": str(foreign.pk)}, user=caller, source="t"
    )
    assert not refused.ok
    assert "question of the segment on air" in refused.error
    bad = commands.run(episode, "graphics", {"element": "x", "mode": "in"}, user=caller, source="t")
    assert not bad.ok
    assert "element" in bad.error
    for step, title in (("next", "One"), ("next", "Two"), ("next", "Two"), ("previous", "One")):
        assert commands.run(episode, "graphics", {"news": step}, user=caller, source="t").ok
        assert overlays.overlay_view(episode.pk)["news"]["title"] == title
    assert overlays.overlay_view(episode.pk)["news"]["domain"] == "one.example"
    version = episode.live.version if hasattr(episode, "live") else 0
    assert commands.run(
        episode, "graphics", {"element": "clock", "mode": "out"}, user=caller, source="t"
    ).ok
    state = onair.state_of(episode)
    assert state.graphics["modes"]["clock"] == "out"
    assert state.version > version
    assert segment.pk == state.segment_id


# -- the looks ---------------------------------------------------------------------------------


def looks_css(client: Client, show: Show, query: str = "") -> str:
    key = overlays.overlay_key(show)
    response = client.get(f"/overlays/{show.slug}/looks.css?key={key}{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    return response.content.decode()


def test_a_shows_looks_are_its_overlays_stylesheet_and_change_its_address() -> None:
    show, _ = on_air_episode()
    other, _ = on_air_episode(make_show(name="Other", slug="other"))
    client = Client()
    assert "--ov-accent: #e4002b;" in looks_css(client, show)
    before = client.get(f"/overlays/{show.slug}/full/?key={overlays.overlay_key(show)}")
    Show.objects.filter(pk=show.pk).update(overlay_accent="#1a7f37", overlay_size=120)
    show.refresh_from_db()
    css = looks_css(client, show)
    assert "--ov-accent: #1a7f37;" in css
    assert "--ov-size: 1.2;" in css
    after = client.get(f"/overlays/{show.slug}/full/?key={overlays.overlay_key(show)}")
    link = f"/overlays/{show.slug}/looks.css?key={overlays.overlay_key(show)}&amp;v="
    assert link.encode() in before.content
    assert link.encode() in after.content
    assert before.content != after.content  # a new version in the address
    state = client.get(f"/overlays/{show.slug}/state/?key={overlays.overlay_key(show)}").json()
    assert state["looks"].endswith(overlay_looks.version(show))
    # Another show's key gets an empty stylesheet; the other show keeps its own looks.
    wrong = client.get(f"/overlays/{show.slug}/looks.css?key={overlays.overlay_key(other)}")
    assert (wrong.status_code, wrong.content) == (403, b"")
    assert "--ov-accent: #e4002b;" in looks_css(client, other)


def test_the_preview_takes_unsaved_values_that_pass_the_form_and_nothing_else() -> None:
    show, _ = on_air_episode()
    client = Client()
    css = looks_css(client, show, "&overlay_accent=%231a7f37&overlay_font=serif&overlay_size=90")
    assert "--ov-accent: #1a7f37;" in css
    assert "Georgia" in css
    assert "--ov-size: 0.9;" in css
    # Something that would break out of the declaration is not a colour: the show's stays.
    css = looks_css(client, show, "&overlay_accent=red;}body{display:none&overlay_size=999")
    assert "--ov-accent: #e4002b;" in css
    assert "--ov-size: 1;" in css
    assert "body" not in css
    show.refresh_from_db()
    assert (show.overlay_accent, show.overlay_font, show.overlay_size) == ("#e4002b", "sans", 100)


def test_only_the_preview_may_be_framed_and_only_by_the_same_origin() -> None:
    show, _ = on_air_episode()
    client = Client()
    key = overlays.overlay_key(show)
    plain = client.get(f"/overlays/{show.slug}/full/?key={key}")
    assert "frame-ancestors 'none'" in plain["Content-Security-Policy"]
    assert plain["X-Frame-Options"] == "DENY"
    preview = client.get(f"/overlays/{show.slug}/full/?key={key}&preview=1")
    assert "frame-ancestors 'self'" in preview["Content-Security-Policy"]
    assert "script-src 'self'" in preview["Content-Security-Policy"]
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    assert b'"preview": {' in preview.content


def test_the_looks_are_the_producers_to_save_and_a_bad_value_is_named() -> None:
    show, _ = on_air_episode()
    looks = {
        "overlay_accent": "#1A7F37",
        "overlay_ink": "#ffffff",
        "overlay_panel": "#101010",
        "overlay_font": "rounded",
        "overlay_size": "110",
        "overlay_side": "right",
    }
    client = Client()
    client.force_login(make_user((show, Role.SHOW_CALLER)))
    assert client.post(f"/shows/{show.slug}/overlay-looks/", looks).status_code in (403, 404)
    client.force_login(make_producer(show))
    refused = client.post(
        f"/shows/{show.slug}/overlay-looks/",
        {**looks, "overlay_ink": "#101010", "overlay_size": "9"},
    )
    assert refused.status_code == 422
    assert "unlike the panel" in refused.content.decode()
    assert "greater than or equal to 75" in refused.content.decode()
    assert 'value="rounded" selected' in refused.content.decode()  # what was picked stays
    show.refresh_from_db()
    assert show.overlay_font == "sans"
    assert client.post(f"/shows/{show.slug}/overlay-looks/", looks).status_code == 302
    show.refresh_from_db()
    assert (show.overlay_accent, show.overlay_font, show.overlay_size, show.overlay_side) == (
        "#1a7f37",
        "rounded",
        110,
        "right",
    )
    # The show's side is the overlays' default; an address's side= still chooses.
    key = overlays.overlay_key(show)
    assert b'data-side="right"' in client.get(f"/overlays/{show.slug}/full/?key={key}").content
    page = client.get(f"/overlays/{show.slug}/full/?key={key}&side=left")
    assert b'data-side="left"' in page.content
