"""The import_runsheet command: files in, episodes out, failures reported per file."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from episodes.models import Episode, NewsItem, Question, Segment, Show
from speakers.models import Speaker
from tests.factories import make_show, make_speaker

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "runsheets"


def run(*args: object) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_runsheet", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_imports_a_run_sheet_with_everything_it_carries() -> None:
    out, _err = run(FIXTURES / "talk-show-12.md")

    episode = Episode.objects.get(show__slug="talk-show", number=12)
    assert "imported Talk Show #12" in out
    assert episode.title == "Building a Widget Together"
    assert str(episode.air_date) == "2021-03-03"
    assert episode.status == "done"
    assert episode.target_seconds == episode.show.default_target_seconds
    assert [
        (s.position, s.title, s.kind, s.planned_seconds, s.planned_max_seconds)
        for s in episode.segments.all()
    ] == [
        (1, "Hook", "hook", 60, 60),
        (2, "News", "news", 120, 120),
        (3, "speaker intro", "intro", 120, 120),
        (4, "General Questions", "questions", 1200, 1200),
        (5, "Let us dive into demo", "demo", 300, 600),
        (6, "wrap up", "wrap_up", 120, 120),
    ]
    demo = episode.segments.get(position=5)
    assert demo.owner.speaker.name == "Dana Li"
    general = episode.segments.get(position=4)
    assert [q.addressee_label for q in general.questions.all()] == [
        "Dana Li",
        "Dana Li and Omar Haddad",  # "Both:" with exactly two guests
        "Omar Haddad",
    ]
    assert [(n.position, n.title, n.url) for n in episode.news_items.all()] == [
        (1, "Widget 2.0 released", "https://widgets.example.org/2-0"),
        (2, "Gadget roadmap", "https://gadgets.example.org/roadmap"),
    ]
    assert sorted((a.speaker.name, a.role) for a in episode.appearances.all()) == [
        ("Dana Li", "guest"),
        ("Omar Haddad", "guest"),
        ("Sam", "host"),
    ]


def test_number_from_the_folder_and_show_from_the_option() -> None:
    run(FIXTURES / "19-closed-heading" / "notes.md", "--show", "talk-show")

    episode = Episode.objects.get(show__slug="talk-show")
    assert episode.number == 19
    assert episode.hook.startswith("Lee Park joins Sam")


def test_file_without_a_show_reports_how_to_give_one() -> None:
    err = StringIO()

    with pytest.raises(CommandError):
        call_command(
            "import_runsheet",
            str(FIXTURES / "19-closed-heading" / "notes.md"),
            stdout=StringIO(),
            stderr=err,
        )

    assert "notes.md: show: the document names no show and there is none yet" in err.getvalue()
    assert "give --show SLUG" in err.getvalue()
    assert not Episode.objects.exists()


def test_file_without_a_show_goes_into_the_only_show() -> None:
    show = make_show(slug="late-show", name="Late Show")

    out, _err = run(FIXTURES / "19-closed-heading" / "notes.md")

    episode = Episode.objects.get()
    assert (episode.show, episode.number) == (show, 19)
    assert "imported Late Show #19" in out


def test_file_without_a_show_among_several_names_the_shows() -> None:
    make_show(slug="late-show", name="Late Show")
    make_show(slug="early-show", name="Early Show")
    err = StringIO()

    with pytest.raises(CommandError, match="1 of 1 file"):
        call_command(
            "import_runsheet",
            str(FIXTURES / "19-closed-heading" / "notes.md"),
            stdout=StringIO(),
            stderr=err,
        )

    assert (
        "the document names no show; give --show SLUG, one of: early-show (Early Show), "
        "late-show (Late Show)." in err.getvalue()
    )
    assert not Episode.objects.exists()


def test_recap_post_imports_as_an_episode_with_presenters() -> None:
    run(FIXTURES / "recap.md")

    episode = Episode.objects.get(show__slug="community-call")
    assert episode.title == "Widgets at Scale"
    assert episode.recording_url == "https://www.youtube.com/watch?v=AbCdEfGhIjK"
    sam = Speaker.objects.get(name="Sam Rivera")
    assert sam.links == ["https://code.example.org/samrivera"]
    assert episode.appearances.get(speaker=sam).role == "presenter"


def test_a_failing_file_is_reported_with_line_and_the_others_still_import() -> None:
    err = StringIO()

    with pytest.raises(CommandError, match="1 of 2 file"):
        call_command(
            "import_runsheet",
            str(FIXTURES / "broken-range.md"),
            str(FIXTURES / "talk-show-12.md"),
            stdout=StringIO(),
            stderr=err,
        )

    assert f"{FIXTURES / 'broken-range.md'}:7: The duration “(10-5 mins)” runs backwards" in (
        err.getvalue()
    )
    assert list(Episode.objects.values_list("number", flat=True)) == [12]


def test_dry_run_writes_nothing_and_json_prints_the_parsed_episodes() -> None:
    out, err = run(FIXTURES / "talk-show-12.md", FIXTURES / "recap.md", "--dry-run", "--json")

    parsed = json.loads(out)
    assert [(p["show"]["slug"], p["number"]) for p in parsed] == [
        ("talk-show", 12),
        ("community-call", None),
    ]
    assert parsed[0]["segments"][3]["questions"][1] == {
        "text": "What surprised you most?",
        "addressed_to": ["Dana Li", "Omar Haddad"],
        "notes": "",
        "status": "planned",
    }
    assert "would import Talk Show #12" in err
    assert not Show.objects.exists()
    assert not Speaker.objects.exists()


def test_same_show_and_number_is_skipped_unless_replaced() -> None:
    run(FIXTURES / "talk-show-12.md")
    first = Episode.objects.get()

    out, _err = run(FIXTURES / "talk-show-12.md")
    assert "skipped" in out
    assert Episode.objects.get().pk == first.pk

    run(FIXTURES / "talk-show-12.md", "--replace")
    replaced = Episode.objects.get()
    assert replaced.pk != first.pk
    assert replaced.segments.count() == 6
    assert Segment.objects.count() == 6  # the old episode's segments went with it


def test_the_shows_own_speakers_are_reused_by_name() -> None:
    show = make_show(slug="talk-show")
    dana = make_speaker(name="Dana Li", email="dana@example.org", show=show)

    run(FIXTURES / "talk-show-12.md")

    assert Speaker.objects.filter(name="Dana Li").get() == dana
    assert Episode.objects.get().appearances.filter(speaker=dana).exists()


def test_another_shows_speaker_is_never_reused_or_changed() -> None:
    elsewhere = make_show(slug="elsewhere")
    dana = make_speaker(name="Dana Li", show=elsewhere, links=[])

    run(FIXTURES / "talk-show-12.md")

    dana.refresh_from_db()
    assert dana.email == ""
    assert dana.links == []
    assert not dana.appearances.exists()
    imported = Episode.objects.get().appearances.get(speaker__name="Dana Li").speaker
    assert imported.pk != dana.pk
    assert imported.show == Episode.objects.get().show


def test_existing_show_is_used_with_its_own_settings() -> None:
    show = make_show(slug="talk-show", name="The Talk Show", default_target_seconds=1800)

    run(FIXTURES / "talk-show-12.md")

    episode = Episode.objects.get()
    assert episode.show == show
    assert episode.target_seconds == 1800


def test_a_file_that_fails_half_way_through_saving_leaves_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(NewsItem.objects, "bulk_create", fail)

    with pytest.raises(RuntimeError, match="disk full"):
        run(FIXTURES / "talk-show-12.md")

    assert not Episode.objects.exists()
    assert not Segment.objects.exists()
    assert not Question.objects.exists()
    assert not Speaker.objects.exists()
    assert not Show.objects.exists()


def test_missing_and_non_text_files_are_reported(tmp_path: Path) -> None:
    binary = tmp_path / "image.md"
    binary.write_bytes(b"# Title\n\xff\xfe\x00binary")
    err = StringIO()

    with pytest.raises(CommandError, match="2 of 2"):
        call_command(
            "import_runsheet", str(tmp_path / "nope.md"), str(binary), stdout=StringIO(), stderr=err
        )

    assert "nope.md: no such file." in err.getvalue()
    assert "image.md:2: is not UTF-8 text." in err.getvalue()


def test_number_option_needs_a_single_file() -> None:
    with pytest.raises(CommandError, match="one file"):
        run(FIXTURES / "talk-show-12.md", FIXTURES / "recap.md", "--number", "3")


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    big.write_bytes(b"# Show Episode 1\n" + b" " * 3_000_000)
    err = StringIO()

    with pytest.raises(CommandError, match="1 of 1 file"):
        call_command("import_runsheet", str(big), stdout=StringIO(), stderr=err)

    assert f"{big}: is 3,000,017 bytes; the limit is 2,000,000." in err.getvalue()
    assert not Episode.objects.exists()


def test_dry_run_prints_the_preview_summary_with_the_lines_kept_as_notes() -> None:
    out, _err = run(FIXTURES / "talk-show-12.md", "--dry-run", "--show", "talk-show")

    assert "  number: 12\n" in out
    assert "  people: Sam (host), Dana Li (guest), Omar Haddad (guest)\n" in out
    assert "       - to both (Dana Li and Omar Haddad): What surprised you most?\n" in out
    assert "    line 13, in the notes of “speaker intro”: speakers: intro\n" in out
    assert not Episode.objects.exists()
