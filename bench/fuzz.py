"""The fuzz tests at depth: at least 10,000 examples in all, freshly random each run.

CI runs ``tests/test_fuzz_importers.py`` and ``tests/test_fuzz_endpoints.py`` with a few
examples per test, the same ones every time. This runs them with enough new random examples
per test to reach the total asked for, counts the examples each test really ran, and lists
the failures with hypothesis's reproduction line.

    .venv/bin/python bench/fuzz.py [--examples 10000] [--database sqlite|postgres]
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PYTHON, ROOT

FUZZ_TESTS = ["tests/test_fuzz_importers.py", "tests/test_fuzz_endpoints.py"]


def collected(env: dict[str, str]) -> int:
    output = subprocess.run(
        [PYTHON, "-m", "pytest", "--collect-only", "-q", *FUZZ_TESTS],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return sum(1 for line in output.splitlines() if "::" in line)


def failures(junit: Path) -> list[tuple[str, str]]:
    found = []
    for case in ET.parse(junit).getroot().iter("testcase"):  # noqa: S314 - written by us
        for problem in [*case.iter("failure"), *case.iter("error")]:
            text = problem.get("message") or problem.text or ""
            found.append((case.get("name", "?"), text.strip().splitlines()[0][:300]))
            reproduce = [line for line in (problem.text or "").splitlines() if "@reproduce" in line]
            if reproduce:
                found.append(("", reproduce[0].strip()))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=10_000, help="in all (default 10,000)")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432"),
        help="server to make the throwaway test database on",
    )
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="showrunner-fuzz-") as folder:
        work = Path(folder)
        env = {
            **os.environ,
            "SHOWRUNNER_FUZZ_RANDOM": "true",
            "SHOWRUNNER_FUZZ_REPORT": str(work / "examples.json"),
            "SQLITE_TEST_NAME": str(work / "test.sqlite3"),
        }
        env.pop("DATABASE_URL", None)
        if options.database == "postgres":
            # pytest-django makes (and drops) test_<name> next to it.
            env["DATABASE_URL"] = f"{options.postgres_url}/showrunner_fuzz_{os.getpid()}"
        tests = collected(env)
        per_test = math.ceil(options.examples / tests * 1.05)  # some stop early when exhausted
        env["SHOWRUNNER_FUZZ_EXAMPLES"] = str(per_test)
        print(f"{tests} fuzz tests × {per_test} examples, on {options.database}", flush=True)

        started = time.monotonic()
        subprocess.run(
            [
                PYTHON, "-m", "pytest", "-q", "-p", "no:logging", "--no-header",
                "--junitxml", str(work / "junit.xml"), *FUZZ_TESTS,
            ],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        seconds = time.monotonic() - started
        counts: dict[str, int] = json.loads((work / "examples.json").read_text())
        problems = failures(work / "junit.xml")

    for name, count in sorted(counts.items(), key=lambda item: -item[1]):
        print(f"  {count:6d}  {name}")
    total = sum(counts.values())
    print(
        f"examples run: {total:,} in {seconds:.0f} s ({total / seconds:.0f}/s), over {tests} tests"
    )
    failed = [name for name, _ in problems if name]
    print(f"failures: {len(failed)}")
    for name, message in problems:
        print(f"  {name}: {message}" if name else f"    {message}")
    print(
        f"RESULT fuzz_examples={total} fuzz_tests={tests} failures={len(failed)} "
        f"seconds={seconds:.0f} database={options.database}"
    )
    sys.exit(1 if failed or total < options.examples else 0)


if __name__ == "__main__":
    main()
