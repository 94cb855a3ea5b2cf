"""How much one episode may hold: bounds every page, the live screens and the exports can carry.

The editor, the importers and a restore refuse past these with a message saying which bound.
"""

MAX_SEGMENTS_PER_EPISODE = 200
MAX_QUESTIONS_PER_SEGMENT = 100
MAX_QUESTION_LENGTH = 2000


class LimitReached(ValueError):
    """An addition past one of the bounds above; the message says which."""


def check_segments(count: int) -> None:
    """``count``: how many segments the episode would have."""
    if count > MAX_SEGMENTS_PER_EPISODE:
        raise LimitReached(
            f"An episode holds at most {MAX_SEGMENTS_PER_EPISODE} segments; "
            f"this one would have {count}."
        )


def check_questions(count: int) -> None:
    """``count``: how many questions the segment would have."""
    if count > MAX_QUESTIONS_PER_SEGMENT:
        raise LimitReached(
            f"A segment holds at most {MAX_QUESTIONS_PER_SEGMENT} questions; "
            f"this one would have {count}."
        )


def check_question_text(text: str) -> None:
    if len(text) > MAX_QUESTION_LENGTH:
        raise LimitReached(
            f"That question is {len(text):,} characters long; the limit is {MAX_QUESTION_LENGTH:,}."
        )
