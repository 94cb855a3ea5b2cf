"""Is every regular expression that reads user text linear in the text's size?

For each pattern in the modules that read untrusted text (the importers, chapters, forms), and
for each parser as a whole, builds adversarial inputs -- long runs of the characters the patterns
repeat, after the prefixes that lead into those repetitions -- at a size n and at 8n, and times
them. A linear pattern takes about 8 times as long at 8n; a quadratic one about 64 times. Prints
the worst input for each pattern and parser with both times and the ratio.

    .venv/bin/python bench/regex_linearity.py [--size 2000] [--parser-size 20000] [--all]

Ends with ``RESULT patterns=N worst_pattern_ratio=R worst_parser_ratio=R superlinear=K``, where
``superlinear`` counts those whose ratio is over 20 (linear is 8, quadratic 64).
"""

import argparse
import contextlib
import itertools
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "showrunner.settings")

import django  # noqa: E402

django.setup()

from episodes import chapters, forms  # noqa: E402
from episodes.formats import (  # noqa: E402
    ParseError,
    document,
    episode_json,
    hugo_recap,
    markdown_runsheet,
    people,
    spreadsheet,
)
from episodes.formats import read as read_any  # noqa: E402
from showrunner import isolated  # noqa: E402

MODULES = [
    markdown_runsheet, hugo_recap, people, episode_json, document, spreadsheet, chapters, forms,
]  # fmt: skip
# The characters the patterns repeat, and the text that leads into a repetition.
PUMPS = [" ", "a", "A", "Aa ", "A a ", "1", "#", "*", "**", "(", "-", "-- -", ":", "[", "<",
         "/", "a:https://", "A and ", "de "]  # fmt: skip
PREFIXES = ["", "# a", "**a", "(", "1", "00:00 a", "Ask ", "Pass to ", "joined by A",
            "Episode", "https://", "[a](", "## a", "- ", "a:", "10:00", "Aa"]  # fmt: skip
SUFFIXES = ["\x00!", "x"]
SUPERLINEAR = 20.0  # linear is 8 at 8n, quadratic 64
LIMIT = 20.0  # seconds for one measurement, in a worker process; more counts as infinite


def is_pattern(value: object) -> bool:
    """A compiled pattern of ``re`` or of RE2 (``re2``)."""
    return isinstance(value, re.Pattern) or type(value).__module__.startswith("re2")


def patterns() -> Iterator[tuple[str, re.Pattern[str]]]:
    """Every compiled pattern at module level: alone, in a list, or in (name, pattern) pairs."""
    for module in MODULES:
        short = module.__name__.removeprefix("episodes.")
        for name, value in vars(module).items():
            if is_pattern(value):
                yield f"{short}.{name}", value
            elif isinstance(value, list | tuple):
                for index, item in enumerate(value):
                    if isinstance(item, tuple) and len(item) == 2:
                        item = item[1]
                    if is_pattern(item):
                        yield f"{short}.{name}[{index}]", item
    for name in ("is_web_address", "is_email"):
        validator = getattr(document, name)
        for attribute in ("regex", "user_regex", "domain_regex"):
            value = getattr(validator, attribute, None)
            if isinstance(value, re.Pattern):
                yield f"formats.document.{name}.{attribute}", value


def per_call(function: Callable[[], object], budget: float = 0.001, samples: int = 5) -> float:
    """Seconds per call: the fastest of ``samples`` runs of enough calls to fill ``budget``
    (the fastest, because a busy machine only ever adds time)."""
    started = time.perf_counter()
    function()
    once = time.perf_counter() - started
    calls = max(1, int(budget / max(once, 1e-7)))
    best = once
    for _ in range(samples if once < 1 else 1):
        started = time.perf_counter()
        for _ in range(calls):
            function()
        best = min(best, (time.perf_counter() - started) / calls)
    return best


def scan(pattern: "re.Pattern[Any]", text: str) -> None:
    # A pattern over a file's bytes (an .xlsx part) is given the text as UTF-8.
    subject = text.encode("utf-8", errors="replace") if isinstance(pattern.pattern, bytes) else text
    pattern.search(subject)
    pattern.match(subject)


def attack(size: int, prefix: str, pump: str, suffix: str) -> str:
    return prefix + pump * (size // len(pump)) + suffix


def time_pattern(pattern: re.Pattern[str], text: str) -> float:
    return per_call(lambda: scan(pattern, text))


def time_parser(name: str, text: str) -> float:
    return per_call(lambda: run_parser(PARSERS[name], text), 0.01, 3)


def timed(function: Callable[..., float], *args: object) -> float:
    """``function(*args)`` in a worker process (showrunner.isolated); inf past LIMIT seconds."""
    try:
        return isolated.run(function, *args, seconds=LIMIT, megabytes=2000)
    except isolated.IsolationError:
        return float("inf")


def measure_pattern(pattern: re.Pattern[str], size: int) -> tuple[float, float, float, str]:
    """(time at n, time at 8n, ratio, input) for the input with the worst ratio."""
    worst = (0.0, 0.0, 0.0, "")
    for prefix, pump, suffix in itertools.product(PREFIXES, PUMPS, SUFFIXES):
        shape = f"{prefix!r} + {pump!r}*n + {suffix!r}"
        small = time_pattern(pattern, attack(size, prefix, pump, suffix))
        large_text = attack(8 * size, prefix, pump, suffix)
        if small < 0.05:  # at most quadratic: 8n takes seconds at worst
            large = time_pattern(pattern, large_text)
        else:  # in a worker, which is stopped past the limit
            large = timed(time_pattern, pattern, large_text)
        ratio = large / small
        if ratio > worst[2]:
            worst = (small, large, ratio, shape)
        if ratio > 2 * SUPERLINEAR:  # plainly quadratic: no need to look further
            return worst
    return worst


def run_parser(function: Callable[[str], object], text: str) -> None:
    with contextlib.suppress(ParseError):
        function(text)


TODAY = date(2026, 1, 1)
PARSERS: dict[str, Callable[[str], object]] = {
    "markdown_runsheet.parse": lambda text: markdown_runsheet.parse(text, today=TODAY),
    "hugo_recap.parse": lambda text: hugo_recap.parse(text, today=TODAY),
    "episode_json.loads": episode_json.loads,
    "chapters.parse": chapters.parse,
    "formats.read": lambda text: read_any(text, today=TODAY),
}
RECAP = "---\ntitle: A - B\n---\n"
SHAPES: dict[str, Callable[[int], str]] = {
    "heading + spaces": lambda n: "# a" + " " * n + "b",
    "heading + hashes": lambda n: "# a" + " #" * (n // 2) + "x",
    "bold run": lambda n: "**" * (n // 2) + "x",
    "dashes": lambda n: "-- -" * (n // 4) + "x",
    "parentheses": lambda n: "(" * n + "1 min",
    "capitalised words": lambda n: "Aa " * (n // 3) + "will join",
    "one long name": lambda n: "A" + "a" * n + "!",
    "prose lines": lambda n: "Dana Li and Omar will join Sam. " * (n // 32),
    "chapters spaces": lambda n: "00:00 a" + " " * min(n, 19_000) + "x",
    "chapters lines": lambda n: "".join(f"{i // 60:02}:{i % 60:02} a\n" for i in range(0, n // 10 * 10, 10))[:19_000],
    "recap sections": lambda n: RECAP + "## a" + " " * n + "x",
    "recap links": lambda n: RECAP + "## Presenters\n" + "[" * n,
    "recap time range": lambda n: RECAP + "## Meeting Link\n" + "1 " * (n // 2),
    "json strings": lambda n: '{"title": "' + " " * n + '"}',
}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1000, help="n for single patterns")
    parser.add_argument("--parser-size", type=int, default=20_000, help="n for whole parsers")
    parser.add_argument(
        "--all", action="store_true", help="print every pattern, not only the slowest"
    )
    args = parser.parse_args()
    rows = []
    for name, pattern in patterns():
        small, large, ratio, shape = measure_pattern(pattern, args.size)
        rows.append((ratio, name, small, large, shape))
    rows.sort(reverse=True)
    print(f"{'pattern':44} {'n':>10} {'8n':>10} {'ratio':>7}  worst input (n={args.size})")
    for ratio, name, small, large, shape in rows if args.all else rows[:15]:
        print(f"{name:44} {small * 1e3:8.3f}ms {large * 1e3:8.3f}ms {ratio:7.1f}  {shape}")

    parser_rows = []
    for shape_name, shape in SHAPES.items():
        for parser_name in PARSERS:
            small = timed(time_parser, parser_name, shape(args.parser_size))
            large = timed(time_parser, parser_name, shape(8 * args.parser_size))
            parser_rows.append((large / small, parser_name, shape_name, small, large))
    parser_rows.sort(reverse=True)
    print(f"\n{'parser':26} {'input':20} {'n':>10} {'8n':>10} {'ratio':>7}  (n={args.parser_size})")
    for ratio, parser_name, shape_name, small, large in (
        parser_rows if args.all else parser_rows[:15]
    ):
        print(
            f"{parser_name:26} {shape_name:20} {small * 1e3:8.2f}ms {large * 1e3:8.2f}ms {ratio:7.1f}"
        )

    superlinear = sum(1 for row in rows if row[0] > SUPERLINEAR) + sum(
        1 for row in parser_rows if row[0] > SUPERLINEAR
    )
    print(
        f"RESULT patterns={len(rows)} worst_pattern_ratio={rows[0][0]:.1f} "
        f"worst_parser_ratio={parser_rows[0][0]:.1f} superlinear={superlinear}"
    )


if __name__ == "__main__":
    main()
