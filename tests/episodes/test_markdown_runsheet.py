"""Reading Markdown run-sheets in every shape producers write them (see docs/formats.md)."""

from datetime import date
from textwrap import dedent

import pytest

from episodes.formats import markdown_runsheet
from episodes.formats.document import EpisodeDocument, ParseError

TODAY = date(2026, 11, 22)


def parse(text: str, **kwargs: object) -> EpisodeDocument:
    return markdown_runsheet.parse(dedent(text).lstrip("\n"), today=TODAY, **kwargs)


def outline(doc: EpisodeDocument) -> list[tuple[str, str, int | None, int | None]]:
    return [(s.title, s.kind, s.planned_seconds, s.planned_max_seconds) for s in doc.segments]


def questions(doc: EpisodeDocument, title: str) -> list[tuple[list[str], str]]:
    segment = next(s for s in doc.segments if s.title == title)
    return [(q.addressed_to, q.text) for q in segment.questions]


TIDY = """
    # Talk Show Episode 12, March 3, 2021
    Building a Widget Together

    1 min hook to today's show.
    Widgets are everywhere, but nobody agrees how to build one.
    Dana Li and Omar Haddad will join Sam to discuss what a good widget needs.

    **News (2 mins)**
    Widget 2.0 released: https://widgets.example.org/2-0

    **speaker intro** (2 mins)
    speakers: intro

    **General Questions** (20 mins)
    - Dana: How did you start contributing?
    - Both: What surprised you most?
    - Omar: What would you change first?

    **Let us dive into demo** (5-10 mins)
    - Dana: Any demo you want to show?

    **wrap up** (2 mins)
    - Thank speakers! Ask speakers: How do folks reach out to you?
    """


def test_tidy_run_sheet_header_hook_segments_and_people() -> None:
    doc = parse(TIDY)

    assert (doc.show_name, doc.show_slug, doc.number) == ("Talk Show", "talk-show", 12)
    assert doc.air_date == date(2021, 3, 3)
    assert doc.title == "Building a Widget Together"
    assert doc.hook.startswith("Widgets are everywhere")
    assert doc.status == "done"
    assert outline(doc) == [
        ("Hook", "hook", 60, 60),
        ("News", "news", 120, 120),
        ("speaker intro", "intro", 120, 120),
        ("General Questions", "questions", 1200, 1200),
        ("Let us dive into demo", "demo", 300, 600),
        ("wrap up", "wrap_up", 120, 120),
    ]
    assert doc.segments[0].notes == doc.hook
    assert [(s.name, s.role) for s in doc.speakers] == [
        ("Sam", "host"),
        ("Dana Li", "guest"),
        ("Omar Haddad", "guest"),
    ]
    assert questions(doc, "General Questions") == [
        (["Dana Li"], "How did you start contributing?"),
        (["Dana Li", "Omar Haddad"], "What surprised you most?"),  # "Both:"
        (["Omar Haddad"], "What would you change first?"),
    ]
    assert questions(doc, "Let us dive into demo") == [(["Dana Li"], "Any demo you want to show?")]


def test_wrap_up_cues_stay_notes_not_questions() -> None:
    doc = parse(TIDY)

    wrap = doc.segments[-1]
    assert wrap.questions == []
    assert wrap.notes == "- Thank speakers! Ask speakers: How do folks reach out to you?"


def test_heading_without_title_makes_the_next_line_the_hook() -> None:
    doc = parse(
        """
        # Talk Show Episode 13, March 10, 2021
        Everyone writes run-sheets by hand. Today Lee Park joins Sam to ask why.

        **News (2 mins)**
        """
    )

    assert doc.title == ""
    assert doc.hook.startswith("Everyone writes run-sheets")
    assert [s.kind for s in doc.segments] == ["news"]  # no label, so no hook segment
    assert [(s.name, s.role) for s in doc.speakers] == [("Sam", "host"), ("Lee Park", "guest")]


def test_date_on_its_own_line_with_abbreviated_month_and_title_with_trailing_space() -> None:
    doc = parse(
        "# Talk Show Episode 14\nApr 9, 2021\n\nShort Title \n\n1 min hook to today's show.\n\n"
        "The hook after a blank line.\n\n**News (2 mins)**\n"
    )

    assert doc.number == 14
    assert doc.air_date == date(2021, 4, 9)
    assert doc.title == "Short Title"
    assert doc.hook == "The hook after a blank line."
    assert outline(doc)[0] == ("Hook", "hook", 60, 60)


def test_dash_separated_title_without_date_is_a_draft() -> None:
    doc = parse(
        """
        # Talk Show Episode 19 - Title Here

        The hook paragraph.

        News:
        https://news.example.org/a
        """
    )

    assert (doc.number, doc.title, doc.air_date, doc.status) == (19, "Title Here", None, "draft")
    assert doc.hook == "The hook paragraph."
    assert [n.url for n in doc.news] == ["https://news.example.org/a"]


def test_closed_heading_takes_number_and_show_from_outside() -> None:
    text = """
        ## Show notes ##

        1 min intro to today's show.
        A hook.

        **News (2 mins)**
        """

    doc = parse(text, number=19, show="talk-show")

    assert (doc.number, doc.show_slug, doc.title) == (19, "talk-show", "")
    assert doc.hook == "A hook."


def test_number_from_the_folder_name(tmp_path: object) -> None:
    from pathlib import PurePath

    from episodes.formats import read

    (doc,) = read(
        "## Show notes ##\n\n**News (2 mins)**\n",
        today=TODAY,
        path=PurePath("runsheets/19-some-slug/notes.md"),
        show="talk-show",
    )

    assert doc.number == 19


def test_number_option_wins_over_the_heading() -> None:
    assert parse(TIDY, number=99).number == 99


def test_bare_reference_urls_between_title_and_hook_go_to_the_description() -> None:
    doc = parse(
        """
        # Talk Show Episode 15, May 24, 2022
        A Title

        https://docs.example.org/reference
        https://blog.example.org/background

        1 min hook to today's show.
        The hook.

        **News (2 mins)**
        """
    )

    assert doc.title == "A Title"
    assert doc.hook == "The hook."
    assert (
        doc.description
        == "https://docs.example.org/reference\n\nhttps://blog.example.org/background"
    )


def test_full_and_abbreviated_months() -> None:
    assert parse("# S Episode 1, September 30, 2022\n").air_date == date(2022, 9, 30)
    assert parse("# S Episode 1, Sept 3, 2022\n").air_date == date(2022, 9, 3)
    assert parse("# S Episode 1, Dec 1, 2027\n").status == "scheduled"


def test_impossible_date_is_an_error_with_its_line() -> None:
    with pytest.raises(ParseError) as caught:
        parse("# Talk Show Episode 1, February 30, 2022\n")

    assert caught.value.line == 1
    assert "February 30, 2022" in caught.value.reason


def test_every_heading_style_in_one_file() -> None:
    doc = parse(
        """
        # Talk Show Episode 20, June 1, 2022
        Mixed Styles

        **News (2 mins)**
        https://news.example.org/one

        **Let us look at the code. (20 mins)**
        Components:
        - What does the parser do first?

        General Questions (20 mins)
        What is a widget?

        ** Deep dive (advanced part)** (10 mins)
        - How does it scale?

        ** toolname ** (10 mins)
        A few words about the tool.

        Live Demo
        - Show it?

        Bring in Dana: quick intro
        Dana (topic of her demo)

        Q/A with Dana:
        - Dana: Where do people find you?

        Resources:
        https://docs.example.org

        **Wrap up**
        """
    )

    assert outline(doc) == [
        ("News", "news", 120, 120),
        ("Let us look at the code", "demo", 1200, 1200),
        ("General Questions", "questions", 1200, 1200),
        ("Deep dive (advanced part)", "questions", 600, 600),
        ("toolname", "other", 600, 600),
        ("Live Demo", "demo", None, None),
        ("Bring in Dana: quick intro", "intro", None, None),
        ("Q/A with Dana", "questions", None, None),
        ("Resources", "other", None, None),
        ("Wrap up", "wrap_up", None, None),
    ]
    code = doc.segments[1]
    assert code.notes == "Components:"
    assert [q.text for q in code.questions] == ["What does the parser do first?"]
    assert doc.segments[4].notes == "A few words about the tool."
    assert doc.segments[6].notes == "Dana (topic of her demo)"
    assert [s.name for s in doc.speakers] == ["Dana"]
    assert questions(doc, "Q/A with Dana") == [(["Dana"], "Where do people find you?")]
    assert doc.segments[8].notes == "https://docs.example.org"


def test_the_last_duration_on_the_line_counts() -> None:
    doc = parse("**Deep dive (part 2) (15 mins)**\n** Setup (advanced) (1 min)** (3-4 mins)\n")

    assert outline(doc) == [
        ("Deep dive (part 2)", "questions", 900, 900),
        ("Setup (advanced) (1 min)", "other", 180, 240),
    ]


def test_backwards_range_is_an_error_with_its_line() -> None:
    with pytest.raises(ParseError) as caught:
        parse("# Talk Show Episode 1, June 1, 2022\n\n**Demo (10-5 mins)**\n")

    assert caught.value.line == 3
    assert "runs backwards" in caught.value.reason


def test_sub_topic_lines_are_notes_and_end_the_question_before() -> None:
    doc = parse(
        """
        **General Questions (20 mins)**
        What changed in the upgrade?
        - the config format
        Discuss upgrade:
        - What broke first?
        - How long did it take?
        """
    )

    general = doc.segments[0]
    assert [(q.text, q.notes) for q in general.questions] == [
        ("What changed in the upgrade?", "the config format"),
        ("What broke first?", ""),
        ("How long did it take?", ""),
    ]
    assert general.notes == "Discuss upgrade:"


def test_stage_directions_are_notes_not_questions() -> None:
    doc = parse(
        """
        **Demo (10 mins)**
        * a quick demo of the thing *
        - Does it work?
        """
    )

    assert doc.segments[0].notes == "* a quick demo of the thing *"
    assert [q.text for q in doc.segments[0].questions] == ["Does it work?"]


def test_news_before_intro_keeps_the_order_of_the_file() -> None:
    doc = parse("**News (2 mins)**\n\n**speaker intro** (2 mins)\n\n**News again (1 min)**\n")

    assert [s.title for s in doc.segments] == ["News", "speaker intro", "News again"]


def test_segments_without_a_duration_are_kept_without_time() -> None:
    doc = parse("News:\n- text only item\n\n**Wrap up**\nbye\n")

    assert outline(doc) == [("News", "news", None, None), ("Wrap up", "wrap_up", None, None)]


CUES = """
    # Talk Show Episode 30, October 4, 2022
    Working Together

    Dana Li and Omar Haddad will join Sam to discuss teamwork.

    **General Questions (20 mins)**
    - Dana: How did you start contributing?
    - all: What do you wish you had known?
    - widget team: What is on the roadmap?
    - widgt team: When is the next release?
    - Ask Omar: How do you review changes?
    - Widgetly: see episode 9
    - Project blog: https://blog.example.org
    - Dana?
    -- What did you build first?
    -- Q: does it work for gateways?
    Chirstian: not in this episode
    - Omar and Dana: Who reviews whom?

    **Demo (10 mins)**
    - Pass to Omar for the demo.
    - Omar: What are we looking at?
    """


def test_addressees_from_names_both_all_and_teams() -> None:
    doc = parse(CUES)

    assert questions(doc, "General Questions") == [
        (["Dana Li"], "How did you start contributing?"),
        (["all"], "What do you wish you had known?"),
        (["widget team"], "What is on the roadmap?"),
        (["widget team"], "When is the next release?"),
        (["Omar Haddad"], "How do you review changes?"),
        ([], "Widgetly: see episode 9"),
        ([], "Project blog: https://blog.example.org"),
        (["Dana Li"], "Dana?"),
        (["Omar Haddad", "Dana Li"], "Who reviews whom?"),
    ]
    dana = doc.segments[0].questions[7]
    assert dana.notes == "What did you build first?\nQ: does it work for gateways?"


def test_people_of_the_document_with_roles_and_the_group() -> None:
    doc = parse(CUES)

    assert [(s.name, s.role, s.is_group) for s in doc.speakers] == [
        ("Sam", "host", False),
        ("Dana Li", "guest", False),
        ("Omar Haddad", "guest", False),
        ("widget team", "guest", True),
    ]


def test_pass_to_makes_the_owner_and_stays_in_notes() -> None:
    doc = parse(CUES)

    demo = doc.segments[1]
    assert demo.owner == "Omar Haddad"
    assert demo.notes == "- Pass to Omar for the demo."
    assert [(q.addressed_to, q.text) for q in demo.questions] == [
        (["Omar Haddad"], "What are we looking at?")
    ]


def test_prefix_that_is_not_a_person_addresses_no_one() -> None:
    doc = parse(
        """
        **General Questions (20 mins)**
        - speakers: intro
        - hoot update: what is new?
        Ask speakers: How do folks reach out to you?
        """
    )

    assert questions(doc, "General Questions") == [
        ([], "speakers: intro"),
        ([], "hoot update: what is new?"),
        ([], "Ask speakers: How do folks reach out to you?"),
    ]
    assert doc.speakers == []


def test_misspelled_first_name_matches_the_known_person() -> None:
    doc = parse(
        """
        Christian Posta will join Lin to talk.

        **General Questions (20 mins)**
        - Chirstian: What about VMs?
        """
    )

    assert questions(doc, "General Questions") == [(["Christian Posta"], "What about VMs?")]


def test_name_in_a_cue_without_full_name_keeps_the_first_name() -> None:
    doc = parse("**Demo (5 mins)**\n- Ask Dana: Can you show it?\n")

    assert [s.name for s in doc.speakers] == ["Dana"]
    assert questions(doc, "Demo") == [(["Dana"], "Can you show it?")]


def test_guests_listed_as_data_in_the_header() -> None:
    doc = parse(
        """
        # Talk Show Episode 31, October 11, 2022
        Listed

        Hosts: Sam Rivera
        Guests: Dana Li, Omar Haddad and widget team

        **General Questions (20 mins)**
        - Dana: Hi?
        """
    )

    assert [(s.name, s.role, s.is_group) for s in doc.speakers] == [
        ("Sam Rivera", "host", False),
        ("Dana Li", "guest", False),
        ("Omar Haddad", "guest", False),
        ("widget team", "guest", True),
    ]


def test_plain_question_lines_and_the_bullets_under_them() -> None:
    doc = parse(
        """
        General Questions (20 mins)

        what is a widget?
        - L3, IP based
        - Is it the best one out there?

        Can you describe the security model?

        How does it work across clusters?
        - Is a flat network required?
        https://docs.example.org/limitations

        - A bullet question after a blank line?
        """
    )

    assert [(q.text, q.notes) for q in doc.segments[0].questions] == [
        ("what is a widget?", "L3, IP based\nIs it the best one out there?"),
        ("Can you describe the security model?", ""),
        (
            "How does it work across clusters?",
            "Is a flat network required?\nhttps://docs.example.org/limitations",
        ),
        ("A bullet question after a blank line?", ""),
    ]


def test_indented_bullets_and_pseudo_nesting_are_notes_of_the_question_above() -> None:
    doc = parse(
        "**General Questions (20 mins)**\n"
        "- First question?\n"
        "  - two-space child\n"
        "        - eight-space child\n"
        "-- dash child\n"
        "-- - dash bullet child\n"
        " - Second question?\n"
        "            - twelve-space child\n"
    )

    assert [(q.text, q.notes) for q in doc.segments[0].questions] == [
        (
            "First question?",
            "two-space child\neight-space child\ndash child\ndash bullet child",
        ),
        ("Second question?", "twelve-space child"),
    ]


NEWS = """
    **News (5 mins)**
    - https://news.example.org/bare-bullet

    Release notes: https://news.example.org/release

    Gadget joins the foundation:
    https://news.example.org/gadget-1
    https://news.example.org/gadget-2

    Survey results
    https://news.example.org/survey

    Conference next week!!
    [Widget 3 roadmap](https://news.example.org/roadmap)
      - commentary under the roadmap
      - and more commentary
    hoot update:
    New demo scripts are out!
    https://news.example.org/consecutive
    """


def test_news_items_in_every_shape() -> None:
    doc = parse(NEWS)

    assert [(n.title, n.url, n.notes) for n in doc.news] == [
        ("", "https://news.example.org/bare-bullet", ""),
        ("Release notes", "https://news.example.org/release", ""),
        ("Gadget joins the foundation", "https://news.example.org/gadget-1", ""),
        ("Gadget joins the foundation", "https://news.example.org/gadget-2", ""),
        ("Survey results", "https://news.example.org/survey", ""),
        ("Conference next week!!", "", ""),
        (
            "Widget 3 roadmap",
            "https://news.example.org/roadmap",
            "commentary under the roadmap\nand more commentary",
        ),
        ("hoot update: New demo scripts are out!", "", ""),
        ("", "https://news.example.org/consecutive", ""),
    ]
    assert doc.segments[0].notes == ""


def test_messy_whitespace_crlf_tabs_and_no_final_newline() -> None:
    text = (
        "# Talk Show Episode 40, July 5, 2022  \r\n"
        "Messy  Title   \r\n"
        "   \r\n\r\n\r\n"
        "1 min hook to today's show.\r\n"
        "Dana Li will join Sam.\r\n"
        "\r\n"
        "**General  Questions** (20 mins)   \r\n"
        "\t- Dana: Tabs?\r\n"
        "\r\n"
        "    **wrap up** (2 mins)\r\n"
        "    Thank the guests.\r\n"
        "    See you next week."
    )

    doc = markdown_runsheet.parse(text, today=TODAY)

    assert doc.title == "Messy  Title"
    assert outline(doc) == [
        ("Hook", "hook", 60, 60),
        ("General Questions", "questions", 1200, 1200),
        ("wrap up", "wrap_up", 120, 120),
    ]
    assert questions(doc, "General Questions") == [(["Dana Li"], "Tabs?")]
    assert doc.segments[2].notes == "Thank the guests.\nSee you next week."


def test_typos_in_the_fixed_vocabulary_still_find_the_kind() -> None:
    doc = parse("**Genral Questionss (20 mins)**\n- Why?\n**Wrapup (2 mins)**\n")

    assert [(s.title, s.kind) for s in doc.segments] == [
        ("Genral Questionss", "questions"),
        ("Wrapup", "wrap_up"),
    ]


def test_empty_file_is_an_error() -> None:
    with pytest.raises(ParseError, match="empty"):
        markdown_runsheet.parse("  \n\n", today=TODAY)


def test_prose_that_is_not_a_run_sheet_is_an_error_with_its_line() -> None:
    with pytest.raises(ParseError) as caught:
        markdown_runsheet.parse("\n\nDear diary, today was long.\nNothing else.\n", today=TODAY)

    assert caught.value.line == 3
    assert "does not look like a run-sheet" in caught.value.reason


def test_emphasis_inside_a_sentence_is_not_a_heading() -> None:
    doc = parse("**News (2 mins)**\n**Note:** this is not a heading\n")

    assert [s.title for s in doc.segments] == ["News"]
