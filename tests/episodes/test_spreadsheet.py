"""Spreadsheet run-sheets: reading cells, guessing columns, bounds, and the CSV/.xlsx round trip."""

import io
import zipfile
from datetime import date, datetime, time, timedelta

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from episodes.formats import spreadsheet
from episodes.formats.document import EVERYONE, EpisodeDocument, QuestionDoc, SegmentDoc, SpeakerDoc
from episodes.formats.spreadsheet import SheetError

OPTIONS = spreadsheet.Options(show_slug="talk-show", show_name="Talk Show", time_zone="UTC")


def read(data: bytes, name: str = "plan.csv", mapping: list[str] | None = None):
    return spreadsheet.read_sheet(data, name, mapping, OPTIONS)


def problems(data: bytes, name: str = "plan.csv") -> list[str]:
    return [str(problem) for problem in read(data, name).problems]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5, (300, 300)),
        (1.5, (90, 90)),
        ("5", (300, 300)),
        ("5 min", (300, 300)),
        ("5 mins", (300, 300)),
        ("5-10", (300, 600)),
        ("5–10 mins", (300, 600)),
        ("0:05:00", (300, 300)),
        ("1:02:03", (3723, 3723)),
        ("05:00", (300, 300)),
        ("90s", (90, 90)),
        (time(0, 5), (300, 300)),
        (timedelta(minutes=7), (420, 420)),
        ("", (None, None)),
        (None, (None, None)),
    ],
)
def test_durations(value: spreadsheet.Value, expected: tuple[int, int]) -> None:
    assert spreadsheet.duration_of(value, "B2") == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ten minutes", "“ten minutes” is not a duration"),
        (-3, "“-3” is negative"),
        ("-3", "“-3” is negative"),
        (99999, "“99999” minutes is longer than a day"),
        ("10-5", "the shorter time goes first"),
        (float("nan"), "is not a number of minutes"),
        (True, "is not a duration"),
        (datetime(2026, 3, 3, 17, 0), "is a date, not a duration"),
        ("0:61:00", "is not a duration"),
    ],
)
def test_durations_that_cannot_be_read(value: spreadsheet.Value, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        spreadsheet.duration_of(value, "B2")


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("17:05", 61500), ("5:05 pm", 61500), ("12:00 am", 0), (time(9, 30), 34200), (0.5, 43200)],
)
def test_times_of_day(value: spreadsheet.Value, seconds: int) -> None:
    assert spreadsheet.time_of(value) == seconds


@pytest.mark.parametrize(
    ("header", "meaning"),
    [
        ("Title", "title"), ("Segment", "title"), ("Item", "title"), ("Segment name", "title"),
        ("Length", "duration"), ("Mins", "duration"), ("Duration (min)", "duration"),
        ("Length (mins)", "duration"), ("Max minutes", "duration_max"),
        ("Start", "start"), ("Start time", "start"), ("End", "end"), ("Type", "kind"),
        ("Presenter", "owner"), ("Who", "owner"), ("Presenter(s)", "owner"), ("Notes", "notes"),
        ("Questions", "questions"), ("Camera", "notes"), ("", "ignore"),
    ],
)  # fmt: skip
def test_header_guesses(header: str, meaning: str) -> None:
    assert spreadsheet.guess_meaning(header) == meaning


def test_a_sheet_without_a_title_header_takes_its_first_text_column() -> None:
    reading = read(b"Camera,Mins\nOpen,5\n")
    assert reading.mapping == ["title", "duration"]
    assert reading.document.segments[0].title == "Open"


def test_semicolons_and_a_byte_order_mark() -> None:
    reading = read("\ufeffTitel;Dauer\nStart;5\n".encode())
    assert reading.mapping[1] == "notes"  # an unknown header keeps its values, as notes
    assert reading.document.segments[0].notes == "Dauer: 5"


def test_two_columns_with_one_meaning_are_named() -> None:
    reading = read(b"Title,Mins,Length\nOpen,5,6\n", mapping=["title", "duration", "duration"])
    assert [str(p) for p in reading.problems] == [
        "Columns B, C are all marked “Duration (minutes, or min of a range)”: choose one."
    ]


def test_start_times_alone_give_durations_up_to_the_next_start() -> None:
    reading = read(b"Item,Start\nOpen,17:00\nTalk,17:04\nWrap,17:30\n")
    assert [s.planned_seconds for s in reading.document.segments] == [240, 1560, None]


def test_the_start_time_and_air_date_give_the_episode_start() -> None:
    options = spreadsheet.Options("s", "S", "Europe/Berlin", air_date=date(2026, 3, 3))
    reading = spreadsheet.read_sheet(b"Item,Start,Mins\nOpen,19:30,5\n", "p.csv", None, options)
    assert reading.document.starts_at == datetime(2026, 3, 3, 19, 30, tzinfo=OPTIONS_ZONE)


OPTIONS_ZONE = __import__("zoneinfo").ZoneInfo("Europe/Berlin")


def test_questions_with_addressees_and_both() -> None:
    reading = read(
        b"Title,Who,Questions\n"
        b'Chat,Ana Lopez,"- Ben Ode: what?\nBoth: next?\nwhy: really?\nAnd then? Tell: me"\n'
    )
    questions = reading.document.segments[0].questions
    assert [(q.addressed_to, q.text) for q in questions] == [
        (["Ben Ode"], "what?"),
        (["Ana Lopez", "Ben Ode"], "next?"),
        ([], "why: really?"),  # not a name: names are capitalised
        ([], "And then? Tell: me"),  # a question mark before the colon: not a name
    ]
    assert [s.name for s in reading.document.speakers] == ["Ana Lopez", "Ben Ode"]


def test_a_row_without_a_title_is_named() -> None:
    assert problems(b"Title,Mins\nOpen,5\n,10\n") == ["A3: the row has values but no title."]


def test_validation_problems_name_the_row() -> None:
    assert problems(b"Title\n" + b"x" * 201 + b"\n") == [
        "A2: title is 201 characters long; the limit is 200."
    ]


def test_control_characters_are_refused_with_the_cell() -> None:
    with pytest.raises(SheetError, match="B2: contains the control character U\\+0007"):
        read(b"Title,Notes\nOpen,a\x07b\n")


def test_too_many_columns() -> None:
    header = ",".join(f"c{i}" for i in range(spreadsheet.MAX_COLUMNS + 1))
    with pytest.raises(SheetError, match="Line 1 has 41 columns; at most 40"):
        read(header.encode() + b"\n")


def workbook_bytes(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_opened() -> None:
    good = zipfile.ZipFile(io.BytesIO(workbook_bytes([["Title"], ["Open"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in good.infolist():
            data = good.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b"</sheetData>" + b" " * 30_000_000)
            bomb.writestr(item.filename, data)
    assert len(out.getvalue()) < spreadsheet.MAX_SHEET_BYTES  # small on disk

    with pytest.raises(SheetError, match=r"unpacks to 3\d,\d{3},\d{3} bytes"):
        read(out.getvalue(), "bomb.xlsx")


def test_values_far_to_the_right_are_refused() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["A1"] = "Title"
    sheet["A2"] = "Open"
    sheet["AZ2"] = "far away"
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(SheetError, match="AZ2: the sheet has values past column AN"):
        read(out.getvalue(), "wide.xlsx")


def test_excel_numbers_and_times() -> None:
    data = workbook_bytes([["Title", "Mins", "Max"], ["Open", 5, None], ["Chat", time(0, 10), 15]])
    segments = read(data, "plan.xlsx").document.segments
    assert [(s.planned_seconds, s.planned_max_seconds) for s in segments] == [
        (300, 300), (600, 900),
    ]  # fmt: skip


def test_safe_cell_guards_formulas_and_keeps_numbers() -> None:
    assert spreadsheet.safe_cell("=1+1") == "'=1+1"
    assert spreadsheet.safe_cell("-5 tips") == "'-5 tips"
    assert spreadsheet.safe_cell("'quoted") == "''quoted"
    assert spreadsheet.safe_cell("plain") == "plain"
    assert spreadsheet.safe_cell(5) == 5
    assert spreadsheet.safe_cell(None) == ""


# -- the round trip ------------------------------------------------------------------------------

NAMES = ["Dana Li", "Omar Haddad", "Ümit Öz", "Sam"]
WORDS = st.text(
    alphabet=st.sampled_from("abcdefghij XYZéü?!.'=+-@()\"0123456789"), min_size=1, max_size=30
)
TEXT = WORDS.map(str.strip).filter(bool)
QUESTION_TEXT = st.text(alphabet=st.sampled_from("abcdefg XYZé?!"), min_size=1, max_size=40).map(
    lambda t: "Q" + t.strip()
)
NOTES = st.lists(TEXT, max_size=3).map("\n".join)
PLANNED = st.none() | st.tuples(st.integers(0, 86_400), st.integers(0, 86_400)).map(sorted)


@st.composite
def documents(draw: st.DrawFn) -> EpisodeDocument:
    segments = []
    for _ in range(draw(st.integers(1, 6))):
        planned = draw(PLANNED)
        questions = [
            QuestionDoc(
                text=draw(QUESTION_TEXT),
                addressed_to=draw(
                    st.just([EVERYONE]) | st.lists(st.sampled_from(NAMES), unique=True, max_size=2)
                ),
            )
            for _ in range(draw(st.integers(0, 3)))
        ]
        segments.append(
            SegmentDoc(
                title=draw(TEXT),
                kind=draw(st.sampled_from(spreadsheet.SEGMENT_KINDS)),
                planned_seconds=planned[0] if planned else None,
                planned_max_seconds=planned[1] if planned else None,
                owner=draw(st.none() | st.sampled_from(NAMES)),
                notes=draw(NOTES),
                questions=questions,
            )
        )
    starts = draw(st.none() | st.just(datetime(2026, 3, 3, 17, 0, tzinfo=OPTIONS_ZONE)))
    return EpisodeDocument(show_slug="talk-show", segments=segments, starts_at=starts)


def facts(doc: EpisodeDocument) -> list[tuple[object, ...]]:
    return [
        (
            s.title, s.kind, s.planned_seconds, s.planned_max_seconds, s.owner, s.notes,
            [(q.text, q.addressed_to) for q in s.questions],
        )
        for s in doc.segments
    ]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(doc=documents())
def test_csv_round_trip(doc: EpisodeDocument) -> None:
    reading = read(spreadsheet.to_csv(doc).encode(), "export.csv")
    assert reading.problems == []
    assert facts(reading.document) == facts(doc)


@settings(max_examples=30, deadline=None)
@given(doc=documents())
def test_xlsx_round_trip(doc: EpisodeDocument) -> None:
    reading = read(spreadsheet.to_xlsx(doc), "export.xlsx")
    assert reading.problems == []
    assert facts(reading.document) == facts(doc)


def test_the_round_trip_keeps_the_speakers() -> None:
    doc = EpisodeDocument(
        show_slug="talk-show",
        speakers=[SpeakerDoc("Dana Li"), SpeakerDoc("Omar Haddad")],
        segments=[
            SegmentDoc(
                "Chat", "questions", 60, 120, owner="Dana Li",
                questions=[QuestionDoc("Why?", ["Dana Li", "Omar Haddad"])],
            )
        ],
    )  # fmt: skip
    again = read(spreadsheet.to_xlsx(doc), "export.xlsx").document
    assert again.speaker_names() == ["Dana Li", "Omar Haddad"]
    assert facts(again) == facts(doc)
