"""What goes out comes back: JSON and Markdown exports read back by import_runsheet."""

import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from episodes.formats import markdown_runsheet, read
from episodes.formats.document import EpisodeDocument
from episodes.models import Episode
from tests.episodes.test_episode_json import EPISODE

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "runsheets"
TODAY = date(2026, 11, 22)


def export(episode: Episode, fmt: str) -> str:
    out = StringIO()
    call_command("export_episode", str(episode.pk), "--format", fmt, stdout=out)
    return out.getvalue()


def facts(doc: EpisodeDocument) -> dict[str, object]:
    """Everything a Markdown run-sheet carries."""
    return {
        "number": doc.number,
        "air_date": doc.air_date,
        "title": doc.title,
        "hook": doc.hook,
        "segments": [
            (s.title, s.planned_seconds, s.planned_max_seconds, s.owner) for s in doc.segments
        ],
        "questions": [
            (s.title, q.text, q.addressed_to, q.notes) for s in doc.segments for q in s.questions
        ],
        "news": [(n.title, n.url, n.notes) for n in doc.news],
        "speakers": sorted((s.name, s.role, s.is_group) for s in doc.speakers),
    }


def test_json_import_then_export_gives_the_input_back(tmp_path: Path) -> None:
    source = tmp_path / "episode.json"
    source.write_text(json.dumps(EPISODE))

    call_command("import_runsheet", str(source), stdout=StringIO(), stderr=StringIO())
    exported = json.loads(export(Episode.objects.get(), "json"))

    assert exported == EPISODE


def test_markdown_export_reads_back_to_the_same_facts() -> None:
    call_command(
        "import_runsheet", str(FIXTURES / "talk-show-12.md"), stdout=StringIO(), stderr=StringIO()
    )
    episode = Episode.objects.get()
    original = read((FIXTURES / "talk-show-12.md").read_text(), today=TODAY)[0]

    markdown = export(episode, "markdown")
    (again,) = read(markdown, today=TODAY)

    assert facts(again) == facts(original)
    assert again.show_name == "Talk Show"


def test_markdown_export_of_a_json_episode_keeps_questions_news_and_people() -> None:
    from episodes.formats import episode_json

    doc = episode_json.load(EPISODE)

    (again,) = read(markdown_runsheet.render(doc), today=TODAY)

    assert facts(again)["questions"] == facts(doc)["questions"]
    assert facts(again)["news"] == facts(doc)["news"]
    assert facts(again)["speakers"] == facts(doc)["speakers"]
    # Markdown keeps news under a News segment: an episode without one gains an untimed one.
    assert facts(again)["segments"] == [*facts(doc)["segments"], ("News", None, None, None)]
    assert again.segments[1].notes == "Components:"
    assert again.segments[1].owner == "Sam Rivera"


def test_notes_that_look_like_questions_survive_the_markdown_round_trip() -> None:
    from episodes.formats import episode_json

    data = json.loads(json.dumps(EPISODE))
    data["segments"][1]["notes"] = "Is the mic on?\n- check levels\n**Not a heading**"
    doc = episode_json.load(data)

    (again,) = read(markdown_runsheet.render(doc), today=TODAY)

    assert again.segments[1].notes == "Is the mic on?\n- check levels\n**Not a heading**"
    assert [q.text for q in again.segments[1].questions] == [
        q.text for q in doc.segments[1].questions
    ]


@pytest.mark.parametrize("name", ["late-show-112.md", "talk-show-12.md", "show-hash-number.md"])
@pytest.mark.parametrize("fmt", ["markdown", "json"])
def test_export_import_export_through_the_database_is_byte_identical(
    tmp_path: Path, name: str, fmt: str
) -> None:
    call_command("import_runsheet", str(FIXTURES / name), "--show", "late-show", stdout=StringIO())
    first = export(Episode.objects.get(), fmt)
    source = tmp_path / f"again.{'md' if fmt == 'markdown' else 'json'}"
    source.write_text(first)

    call_command(
        "import_runsheet", str(source), "--show", "late-show", "--replace", stdout=StringIO()
    )
    second = export(Episode.objects.get(), fmt)

    assert second == first


def test_the_late_show_document_comes_back_in_the_seeds_shape() -> None:
    call_command("import_runsheet", str(FIXTURES / "late-show-112.md"), stdout=StringIO())

    markdown = export(Episode.objects.get(), "markdown")

    assert markdown.startswith("# Late Show Episode 112, February 3, 2023\n")
    assert "Tonight we take apart a widget" in markdown  # the hook's text
    assert "**Questions** (15-20 mins)\n" in markdown
    assert "- Both: what comes next?\n" in markdown
