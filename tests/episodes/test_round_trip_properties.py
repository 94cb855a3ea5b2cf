"""Generated episodes through the Markdown run-sheet and the episode JSON: reading an export
gives the episode back, in every fact a run-sheet holds, and exporting again gives the same
bytes."""

from datetime import UTC, date, datetime, time, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from episodes.formats import episode_json, markdown_runsheet, read_checked
from episodes.formats.document import (
    EVERYONE,
    SEGMENT_KINDS,
    SPEAKER_ROLES,
    EpisodeDocument,
    NewsDoc,
    QuestionDoc,
    SegmentDoc,
    SpeakerDoc,
)

TODAY = date(2026, 11, 22)

# Words that name no segment kind, month, cue or role, so that what they make is read as the
# text it is; the kinds come from the titles below and from "Kind:" lines.
WORDS = ["widget", "gadget", "release", "build", "spring", "tour", "plan", "open", "sound",
         "check", "camera", "lights", "review", "story", "slides", "café", "über", "naïve",
         "roadmap", "first", "steps", "what", "why", "how", "it", "works", "ready"]  # fmt: skip
KIND_TITLES = ["News", "Guest intro", "General Questions", "Let us dive into demo", "wrap up"]
PEOPLE = ["Ana Lopez", "Ben Ode", "Dana Li", "Omar Haddad", "Lee Park", "Zoë Brandt"]
GROUPS = ["widget team"]
SHOWS = ["Late Show", "Hoot", "Talk Show"]
OFFSETS = [timedelta(0), timedelta(hours=1), timedelta(hours=-5), timedelta(hours=5, minutes=45)]


def words(low: int, high: int) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(WORDS), min_size=low, max_size=high).map(" ".join)


def sentence(*, ask: bool = False) -> st.SearchStrategy[str]:
    ending = st.sampled_from(["?"]) if ask else st.sampled_from(["", "?"])
    return st.tuples(words(1, 8), ending).map("".join)


@st.composite
def note_lines(draw: st.DrawFn, max_lines: int = 3) -> str:
    """Notes, including lines that read as something else unless the writer quotes them."""
    line = st.one_of(
        words(1, 8),
        sentence(ask=True),
        words(1, 5).map(lambda text: f"- {text}"),
        st.sampled_from(["News:", "**Wrap up**", "Kind: demo", "Guests: Ana Lopez", "> quoted"]),
    )
    return "\n".join(draw(st.lists(line, max_size=max_lines)))


@st.composite
def episodes(draw: st.DrawFn) -> EpisodeDocument:
    names = draw(st.lists(st.sampled_from(PEOPLE + GROUPS), unique=True, max_size=4))
    speakers = [
        SpeakerDoc(name=name, role=draw(st.sampled_from(SPEAKER_ROLES)), is_group=name in GROUPS)
        for name in names
    ]
    people = [s.name for s in speakers if not s.is_group]
    guests = [s.name for s in speakers if s.role == "guest" and not s.is_group]
    addressees = st.sampled_from([[], [EVERYONE]])
    if names:
        addressees = st.one_of(
            addressees,
            st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True),
        )
    if len(guests) == 2:
        addressees = st.one_of(addressees, st.just(guests))  # written "Both:"

    air_date = draw(st.none() | st.dates(date(1900, 1, 1), date(2199, 12, 31)))
    starts_at = None
    if air_date is not None and draw(st.booleans()):
        moment = draw(st.times(time(0, 0), time(23, 59)).map(lambda t: t.replace(second=0)))
        zone = timezone(draw(st.sampled_from(OFFSETS)))
        starts_at = datetime.combine(air_date, moment.replace(microsecond=0), tzinfo=zone)
    hook = draw(st.one_of(st.just(""), words(1, 12)))

    segments: list[SegmentDoc] = []
    if hook and draw(st.booleans()):
        minutes = draw(st.integers(1, 3)) * 60
        segments.append(SegmentDoc("Hook", "hook", minutes, minutes, notes=hook))
    for _ in range(draw(st.integers(0, 5))):
        timed = draw(st.booleans())
        low = draw(st.integers(0, 90)) * 60 if timed else None
        high = (low + draw(st.sampled_from([0, 0, 300, 600]))) if low is not None else None
        title = draw(
            st.one_of(
                st.sampled_from(KIND_TITLES),
                words(1, 6),
                # A title phrased as a question is a segment when it has a duration.
                *([sentence(ask=True).map(str.capitalize)] if timed else []),
            )
        )
        kind = draw(st.sampled_from(SEGMENT_KINDS))
        segment = SegmentDoc(
            title=title,
            kind=kind,
            planned_seconds=low,
            planned_max_seconds=high,
            owner=draw(st.none() | st.sampled_from(people)) if people else None,
            notes=draw(note_lines()),
        )
        if kind in ("questions", "demo"):
            segment.questions = [
                QuestionDoc(
                    text=draw(sentence()),
                    addressed_to=draw(addressees),
                    notes="\n".join(draw(st.lists(words(1, 5), max_size=2))),
                )
                for _ in range(draw(st.integers(0, 4)))
            ]
        segments.append(segment)
    news: list[NewsDoc] = []
    if any(s.kind == "news" for s in segments):
        for index in range(draw(st.integers(0, 4))):
            url = f"https://news.example.org/{index}/{draw(st.sampled_from(WORDS))}"
            title, link = draw(
                st.sampled_from([("words", url), ("", url), ("words", "")])
            )  # with and without links
            news.append(
                NewsDoc(
                    title=draw(words(1, 6)) if title else "",
                    url=link,
                    notes="\n".join(draw(st.lists(words(1, 5), max_size=2))),
                )
            )
    return EpisodeDocument(
        show_name=draw(st.sampled_from(SHOWS)),
        show_slug="show",
        number=draw(st.none() | st.integers(1, 999_999)),
        title=draw(sentence()),
        air_date=air_date,
        starts_at=starts_at,
        hook=hook,
        speakers=speakers,
        segments=segments,
        news=news,
    )


def facts(doc: EpisodeDocument) -> dict[str, object]:
    """Every fact a run-sheet holds."""
    return {
        "number": doc.number,
        "air_date": doc.air_date,
        "starts_at": doc.starts_at,
        "title": doc.title,
        "hook": doc.hook,
        "segments": [
            (s.title, s.kind, s.planned_seconds, s.planned_max_seconds, s.notes, s.owner)
            for s in doc.segments
        ],
        "questions": [
            [(q.text, q.addressed_to, q.notes) for q in s.questions] for s in doc.segments
        ],
        "news": [(n.title, n.url, n.notes) for n in doc.news],
        "speakers": sorted((s.name, s.role, s.is_group) for s in doc.speakers),
    }


def read_markdown(text: str, show_name: str = "Late Show") -> EpisodeDocument:
    """As the import page reads a document: into its show, with the checks saving makes."""
    (doc,), _json = read_checked(
        text, today=TODAY, number=None, show_slug="show", show_name=show_name
    )
    return doc


SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(episodes())
def test_a_markdown_export_reads_back_to_the_same_episode(doc: EpisodeDocument) -> None:
    exported = markdown_runsheet.render(doc)

    again = read_markdown(exported)

    assert facts(again) == facts(doc), exported


@SETTINGS
@given(episodes())
def test_a_markdown_export_read_and_exported_again_is_the_same_bytes(
    doc: EpisodeDocument,
) -> None:
    exported = markdown_runsheet.render(doc)

    again = markdown_runsheet.render(read_markdown(exported, doc.show_name))

    assert again == exported


@SETTINGS
@given(episodes())
def test_a_json_export_reads_back_to_the_same_episode_and_bytes(doc: EpisodeDocument) -> None:
    exported = episode_json.dumps(doc)

    (again,) = episode_json.loads(exported)

    assert again == doc
    assert episode_json.dumps(again) == exported


def test_the_late_show_document_exports_in_the_seeds_shape() -> None:
    doc = read_markdown(
        "# Late Show 112 — Feb 3, 2023\n"
        "Widgets and gadgets\n"
        "\n"
        "Tonight: how widgets and gadgets are made.\n"
        "\n"
        "**Guest intro** (2 mins)\n"
        "speakers: Ana Lopez, Ben Ode\n"
        "\n"
        "**Questions** (15-20 mins)\n"
        "- Ana: how did widgets start?\n"
        "- Ben: what is a gadget?\n"
        "- Both: what comes next?\n"
    )
    doc.starts_at = datetime(2023, 2, 3, 19, 30, tzinfo=UTC)

    exported = markdown_runsheet.render(doc)

    assert exported == (
        "# Late Show Episode 112, February 3, 2023 at 19:30 UTC+00:00\n"
        "Widgets and gadgets\n"
        "\n"
        "Guests: Ana Lopez, Ben Ode\n"
        "\n"
        "Tonight: how widgets and gadgets are made.\n"
        "\n"
        "**Guest intro** (2 mins)\n"
        "\n"
        "**Questions** (15-20 mins)\n"
        "- Ana Lopez: how did widgets start?\n"
        "- Ben Ode: what is a gadget?\n"
        "- Both: what comes next?\n"
    )
    assert markdown_runsheet.render(read_markdown(exported)) == exported
