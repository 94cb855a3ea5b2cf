"""The recap post for the website: its shape, and the importer reading it back."""

from datetime import UTC, date, datetime, timedelta
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client, override_settings

from episodes.exporting import episode_document, episodes_for_export, recap_post
from episodes.formats import hugo_recap, read
from episodes.formats.document import EpisodeDocument, SegmentDoc, SpeakerDoc
from episodes.models import Appearance, Episode
from tests.episodes.test_round_trips import export
from tests.factories import (
    make_appearance,
    make_episode,
    make_producer,
    make_run,
    make_segment,
    make_show,
    make_speaker,
)

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "runsheets"
TODAY = date(2026, 11, 22)


def recap_facts(doc: EpisodeDocument) -> dict[str, object]:
    """Everything a recap post carries: a recorded episode's post gives its date, not its time
    (the website's posts have no place for it); an announcement gives the time and length."""
    announced = not doc.recording_url and doc.starts_at is not None
    return {
        "show": doc.show_name,
        "title": doc.title,
        "air_date": doc.air_date,
        "description": doc.description,
        "recording_url": doc.recording_url,
        "join_url": doc.join_url,
        "starts_at": doc.starts_at if announced else None,
        "target_seconds": doc.target_seconds if announced else None,
        "speakers": sorted(
            (s.name, "producer" if s.role == "producer" else "presenter", s.email, s.links[:1])
            for s in doc.speakers
        ),
    }


def test_a_recap_post_has_the_websites_front_matter_and_sections() -> None:
    doc = EpisodeDocument(
        show_name="Community Call",
        title="Widgets: the Next Ten Years",
        air_date=date(2022, 10, 6),
        description="Sam opens with the widget registry.\n\nLee shows the dashboard.",
        recording_url="https://youtu.be/AbCdEfGhIjK",
        speakers=[
            SpeakerDoc("Pat Example", role="producer", email="pat@example.org"),
            SpeakerDoc("Sam Rivera", role="host", links=["https://code.example.org/samrivera"]),
            SpeakerDoc("Lee Park", role="guest", links=["https://code.example.org/leepark"]),
            SpeakerDoc("Alex Kim", role="guest"),
        ],
    )

    text = hugo_recap.render(doc, avatars={"Pat Example": "https://site.example/a.jpg"})

    assert text == (
        "---\n"
        "title: 'Community Call - Widgets: the Next Ten Years'\n"
        "linkTitle: 'Community Call - Widgets: the Next Ten Years'\n"
        "newsSubtitle: October 6, 2022\n"
        "publishdate: 2022-10-06\n"
        "authors:\n"
        "- name: Pat Example\n"
        "  email: pat@example.org\n"
        "  avatar: https://site.example/a.jpg\n"
        'aliases: ["/blog/2022/10/06/01"]\n'
        "---\n"
        "\n"
        "## Presenters\n"
        "\n"
        "This episode was led by [Sam Rivera](https://code.example.org/samrivera), "
        "[Lee Park](https://code.example.org/leepark) and Alex Kim.\n"
        "\n"
        "## Topics\n"
        "\n"
        "Sam opens with the widget registry.\n"
        "\n"
        "Lee shows the dashboard.\n"
        "\n"
        "## Recording\n"
        "\n"
        '{{< youtube id="AbCdEfGhIjK" title="Widgets: the Next Ten Years" >}}\n'
    )


def test_without_a_description_the_topics_are_the_segments() -> None:
    doc = EpisodeDocument(
        show_name="Talk Show",
        title="Plugins",
        segments=[
            SegmentDoc("Hook", kind="hook"),
            SegmentDoc("Widget news", kind="news"),
            SegmentDoc("Dana on plugins", kind="questions"),
            SegmentDoc("Wrap up", kind="wrap_up"),
        ],
    )

    text = hugo_recap.render(doc)

    assert "## Topics\n\n- Widget news\n- Dana on plugins\n" in text
    assert "## Recording" not in text


def test_the_recap_fixture_goes_through_import_and_export_unchanged_in_meaning() -> None:
    source = (FIXTURES / "recap.md").read_text()
    call_command("import_runsheet", str(FIXTURES / "recap.md"), stdout=StringIO())
    (original,) = read(source, today=TODAY)

    exported = export(Episode.objects.get(), "hugo")
    (again,) = read(exported, today=TODAY)

    assert recap_facts(again) == recap_facts(original)
    assert exported.splitlines()[:5] == source.splitlines()[:5]


def test_an_exported_episode_imports_back_into_an_equal_episode(tmp_path: Path) -> None:
    show = make_show(name="Build Night", slug="build-night")
    episode = make_episode(
        show=show,
        number=41,
        title="Caching without tears",
        starts_at=datetime(2026, 3, 3, 17, 0, tzinfo=UTC),
        description="Why caches go stale, and how to tell.",
        recording_url="https://www.youtube.com/watch?v=Zx9Yw8Vu7Ts",
        status=Episode.Status.DONE,
    )
    make_appearance(
        episode, make_speaker(name="Kai Moreno", email="kai@example.org"), role="producer"
    )
    make_appearance(
        episode,
        make_speaker(name="Dana Li", links=["https://dana.example.org"]),
        role=Appearance.Role.GUEST,
    )
    make_appearance(episode, make_speaker(name="Ravi Shah"), role=Appearance.Role.HOST)
    path = tmp_path / "recap.md"
    path.write_text(export(episode, "hugo"))

    call_command("import_runsheet", str(path), "--number", "99", stdout=StringIO())

    copy = episodes_for_export().get(show=show, number=99)
    original = episodes_for_export().get(pk=episode.pk)
    assert recap_facts(episode_document(copy)) == recap_facts(episode_document(original))
    assert export(copy, "hugo") == export(original, "hugo")


def test_an_upcoming_episode_announces_its_meeting_link_and_time() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    doc = EpisodeDocument(
        show_name="Community Call",
        title="Widgets",
        air_date=date(2026, 12, 3),
        starts_at=datetime(2026, 12, 3, 16, 30, tzinfo=berlin),
        target_seconds=5400,
        join_url="https://meet.example.org/widgets",
    )

    text = hugo_recap.render(doc)
    (again,) = read(text, today=TODAY)

    assert "## Meeting Link" in text
    assert "16:30-18:00 CET" in text
    assert again.join_url == "https://meet.example.org/widgets"
    assert again.starts_at == doc.starts_at
    assert again.target_seconds == 5400


def test_an_unusual_zone_is_written_as_an_offset_the_importer_reads() -> None:
    kathmandu = datetime(2026, 12, 3, 19, 0, tzinfo=ZoneInfo("Asia/Kathmandu"))
    doc = EpisodeDocument(
        show_name="Call", title="T", air_date=kathmandu.date(), starts_at=kathmandu
    )

    (again,) = read(hugo_recap.render(doc), today=TODAY)

    assert "19:00-20:00 UTC+5:45" in hugo_recap.render(doc)
    assert again.starts_at == kathmandu


@override_settings(SHOWRUNNER_BASE_URL="https://shows.example.org/")
def test_the_page_the_download_and_the_command_give_the_same_recap(client: Client) -> None:
    episode = make_episode(title="Plugins", air_date=date(2026, 3, 3))
    producer = make_producer(episode.show)
    pat = make_speaker(name="Pat Example", email="pat@example.org")
    pat.avatar.save("pat.jpg", ContentFile(b"not read here"), save=True)
    make_appearance(episode, pat, role="producer")
    client.force_login(producer)

    page = client.get(f"/episodes/{episode.pk}/recap/")
    download = client.get(f"/episodes/{episode.pk}/recap/?download=1")

    text = export(episode, "hugo")
    assert f"avatar: https://shows.example.org{pat.avatar.url}" in text
    assert page.context["text"] == text
    assert download.content.decode() == text
    assert download["Content-Disposition"].startswith("attachment;")
    assert text == recap_post(episodes_for_export().get(pk=episode.pk))


def test_the_chapters_command_gives_what_the_page_shows(client: Client) -> None:
    episode = make_episode(title="Plugins")
    start = datetime(2026, 3, 3, 17, 0, tzinfo=UTC)
    for title, seconds in [("News", 300), ("Talk", 1500), ("Wrap", 120)]:
        segment = make_segment(episode, title=title)
        make_run(segment, start, seconds)
        start += timedelta(seconds=seconds)
    client.force_login(make_producer(episode.show))

    page = client.get(f"/episodes/{episode.pk}/chapters/")

    assert export(episode, "chapters") == "00:00 News\n05:00 Talk\n30:00 Wrap\n"
    assert page.context["text"] == export(episode, "chapters")


def test_chapters_of_an_episode_not_yet_on_air_is_a_clear_error() -> None:
    from django.core.management.base import CommandError

    episode = make_episode(title="Plugins")

    with pytest.raises(CommandError, match="has no chapters yet"):
        export(episode, "chapters")


def test_html_in_names_and_titles_never_comes_out_as_html_in_the_post() -> None:
    doc = EpisodeDocument(
        show_name="Talk Show",
        title="<b>Plugins</b> <script>alert(1)</script>",
        recording_url="https://youtu.be/AbCdEfGhIjK",
        segments=[SegmentDoc('<img src=x onerror="alert(2)">Widget news', kind="news")],
        speakers=[
            SpeakerDoc(name="<script>alert(3)</script>Dana Li", role="guest"),
            SpeakerDoc(
                name="Lee <i>the</i> Linker", role="guest", links=["https://lee.example.org"]
            ),
            SpeakerDoc(name="<svg onload=alert(4)>Pat", role="producer"),
        ],
    )

    text = hugo_recap.render(doc)

    front, body = text.split("\n---\n", 1)
    assert "<" not in front  # titles and authors: the tags taken out
    assert "title: Talk Show - Plugins alert(1)" in front
    assert "name: Pat" in front
    assert "<" not in body.replace("{{< youtube", "")  # names and titles as typed, as text
    assert "&lt;script>alert(3)&lt;/script>Dana Li" in body
    assert "[Lee &lt;i>the&lt;/i> Linker](https://lee.example.org)" in body
    assert '- &lt;img src=x onerror="alert(2)">Widget news' in body
    assert 'title="Plugins alert(1)"' in body


def test_html_in_a_segment_title_is_text_in_the_topics() -> None:
    doc = EpisodeDocument(
        show_name="Talk Show",
        title="Plugins",
        segments=[SegmentDoc('<img src=x onerror="alert(2)">Widget news', kind="news")],
    )

    text = hugo_recap.render(doc)

    assert '## Topics\n\n- &lt;img src=x onerror="alert(2)">Widget news\n' in text
