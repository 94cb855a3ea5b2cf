"""Who a document names, and to whom a line is addressed.

Run-sheets rarely list their guests as data: names appear in the hook prose ("Dana Li and Omar
Haddad will join Sam ..."), in cues ("Ask Dana:", "Pass to Dana", "Bring in Dana") and in a recap
post's Presenters section. :class:`Cast` collects those names, then resolves the prefixes of
questions ("Dana: ...", "Both: ...", "widget team: ...") against them. Only the document is
consulted, never the database, so a dry run gives the same answer on any machine.
"""

import difflib
import re
from dataclasses import dataclass

from .document import EVERYONE, SpeakerDoc

# A person's name: capitalised words, allowing particles such as "de" in "Raymond de Jong".
# Every repetition is bounded (a word's length, particles, words, names in a list): the
# patterns are searched from every capital letter of user text, and an unbounded list would be
# scanned again from each of them (quadratic time; tests/episodes/test_linear_parsing.py).
NAME_WORD = r"[A-Z][\w'’.\-]{0,40}\w"
PARTICLE = r"(?:de|van|von|der|den|da|di|du|del|della|le|la|dos|das|bin|al|el|ter|ten)"
NAME = rf"{NAME_WORD}(?:\s+(?:{PARTICLE}\s+){{0,3}}{NAME_WORD}){{0,3}}"
NAMES = rf"{NAME}(?:\s*,\s*{NAME}){{0,9}}(?:(?:\s*,)?\s+(?:and|&)\s+{NAME})?"

# Words that start a sentence or name a thing, never a person, when a pattern catches them.
NOT_A_NAME = {
    "a",
    "all",
    "also",
    "and",
    "both",
    "everyone",
    "everybody",
    "folks",
    "guests",
    "guest",
    "hosts",
    "host",
    "i",
    "in",
    "join",
    "later",
    "next",
    "our",
    "speaker",
    "speakers",
    "team",
    "the",
    "then",
    "this",
    "today",
    "tonight",
    "we",
    "welcome",
    "you",
    "q",
    "a/b",
    "now",
}
EVERYONE_WORDS = {"both", "all", "everyone", "everybody", "all of you", "both of you"}
BOTH_WORDS = {"both", "both of you"}  # the two guests, when there are exactly two

HOOK_PATTERNS = [
    # "Dana Li and Omar Haddad will join Sam to discuss ..."
    re.compile(rf"(?P<guests>{NAMES})\s+(?:will\s+)?(?:be\s+)?join(?:s|ing)?\s+(?P<host>{NAME})\b"),
    # "... will join us" / "... join me"
    re.compile(rf"(?P<guests>{NAMES})\s+(?:will\s+)?(?:be\s+)?join(?:s|ing)?\s+(?:us|me)\b"),
    # "Sam is joined by Dana Li and Omar Haddad"
    re.compile(rf"(?P<host>{NAME})\s+(?:is|will\s+be)\s+joined\s+by\s+(?P<guests>{NAMES})"),
    re.compile(rf"\bjoined\s+by\s+(?P<guests>{NAMES})"),
    # "our guests today are Dana Li and Omar Haddad", "special guest Dana Li"
    re.compile(
        rf"\b(?:our|special)\s+guests?\s*(?:today|tonight)?\s*(?:is|are|:|,)?\s*(?P<guests>{NAMES})"
    ),
    # "I'm Sam, your host"
    re.compile(rf"\bI(?:'|’)?m\s+(?P<host>{NAME}),?\s+your\s+host"),
]
# "Lin: your host for the livestream today."
HOST_CUE = re.compile(rf"^\W*(?P<host>{NAME})\s*:\s*(?:I(?:'|’)?m\s+)?your\s+(?:co-?)?host\b")
CUE_PATTERNS = [
    re.compile(rf"\bAsk\s+(?P<who>{NAME}(?:\s+(?:and|&)\s+{NAME})?)\s*:"),
    re.compile(rf"\bPass\s+(?:it\s+)?(?:over\s+)?to\s+(?P<who>{NAME})"),
    re.compile(rf"\bBring\s+in\s+(?P<who>{NAME})", re.IGNORECASE),
    re.compile(rf"\bQ\s*[/&]\s*A\s+with\s+(?P<who>{NAME})", re.IGNORECASE),
]
# "Dana (topic of her demo)" on a line of its own, and "- Dana?" as a sub-header.
NAME_WITH_TOPIC = re.compile(rf"^(?P<who>{NAME})\s+\((?P<topic>[^()]+)\)\s*:?$")
NAME_ASKED = re.compile(rf"^[-*+]\s+(?P<who>{NAME})\s*\?$")
TEAM = re.compile(r"^(?P<team>[\w][\w .'’-]{0,40}?\s+team)$", re.IGNORECASE)
URL_START = re.compile(r"^(?:<)?https?://", re.IGNORECASE)

# A question's addressee prefix: "Dana: ...", "Ask Dana: ...", "Both: ...", "widget team: ...".
# Possessive runs of spaces (``\s++``) are never split between two repetitions; the names a
# list is split into are stripped after, rather than by runs of spaces tried from every position.
PREFIX = re.compile(r"^(?:ask\s++)?(?P<who>[^:?]{1,60}?)\s*+:\s*(?P<rest>.*)$", re.IGNORECASE)
SPLIT_NAMES = re.compile(r",|&|/|\band\b")
PASS_TO = re.compile(rf"\bPass\s+(?:it\s+)?(?:over\s+)?to\s+(?P<who>{NAME})")


def split_names(text: str) -> list[str]:
    names = [part.strip().strip(" .") for part in SPLIT_NAMES.split(text)]
    names = [name for name in names if name]
    return [name for name in names if name.lower() not in NOT_A_NAME]


def clean_name(name: str) -> str:
    name = " ".join(name.split())
    # A sentence-initial word caught by a pattern ("Today Dana Li ...") is not part of the name.
    words = name.split(" ")
    while len(words) > 1 and words[0].lower() in NOT_A_NAME:
        words = words[1:]
    return " ".join(words)


@dataclass
class Person:
    name: str
    role: str = "guest"
    is_group: bool = False

    @property
    def first_name(self) -> str:
        return self.name.split()[0]


class Cast:
    """The people a document names, in order of first mention, hosts first."""

    def __init__(self) -> None:
        self.people: list[Person] = []

    def add(self, name: str, role: str = "guest", *, is_group: bool = False) -> Person | None:
        name = clean_name(name)
        if not name or name.lower() in NOT_A_NAME or name.lower() in EVERYONE_WORDS:
            return None
        existing = self.find(name)
        if existing is not None:
            if len(name.split()) > len(existing.name.split()) and not is_group:
                existing.name = name  # "Dana" seen first, "Dana Li" later: keep the full name
            if role == "host" and existing.role == "guest":
                existing.role = "host"
            return existing
        person = Person(name=name, role=role, is_group=is_group)
        self.people.append(person)
        return person

    def find(self, name: str) -> Person | None:
        """The person ``name`` refers to: full name, first name, or a close misspelling."""
        key = " ".join(name.split()).lower()
        if not key:
            return None
        for person in self.people:
            if person.name.lower() == key:
                return person
        if key.endswith(" team"):
            groups = [p for p in self.people if p.is_group]
            close = difflib.get_close_matches(key, [p.name.lower() for p in groups], 1, 0.8)
            return next((p for p in groups if p.name.lower() == close[0]), None) if close else None
        people = [p for p in self.people if not p.is_group]
        by_first = [p for p in people if p.first_name.lower() == key]
        if len(by_first) == 1:
            return by_first[0]
        # One word that is the first word of a full name we know ("Dana" -> "Dana Li"), or a
        # full name whose first name we know ("Dana Li" when only "Dana" was seen).
        if len(key.split()) > 1:
            first = key.split()[0]
            by_first = [p for p in people if p.name.lower() == first]
            if len(by_first) == 1:
                return by_first[0]
            return None
        if len(key) >= 4:
            firsts = [p.first_name.lower() for p in people]
            close = difflib.get_close_matches(key, firsts, 2, 0.8)
            if len(close) == 1 and firsts.count(close[0]) == 1:
                return people[firsts.index(close[0])]
        return None

    def speakers(self) -> list[SpeakerDoc]:
        ordered = [p for p in self.people if p.role == "host"] + [
            p for p in self.people if p.role != "host"
        ]
        return [SpeakerDoc(name=p.name, role=p.role, is_group=p.is_group) for p in ordered]

    # -- gathering -----------------------------------------------------------------------------

    def gather_from_prose(self, text: str) -> None:
        flat = " ".join(text.split())
        for pattern in HOOK_PATTERNS:
            for match in pattern.finditer(flat):
                host = match.groupdict().get("host")
                if host:
                    self.add(host, "host")
                for guest in (
                    split_names(match.group("guests")) if match.groupdict().get("guests") else []
                ):
                    self.add(guest, "guest")

    def gather_from_line(self, text: str) -> None:
        """Names introduced by a cue on one line of the body."""
        stripped = text.strip()
        host = HOST_CUE.match(stripped)
        if host:
            self.add(host.group("host"), "host")
        for pattern in CUE_PATTERNS:
            for match in pattern.finditer(stripped):
                for name in split_names(match.group("who")):
                    self.add(name, "guest")
        for pattern in (NAME_WITH_TOPIC, NAME_ASKED):
            named = pattern.match(stripped)
            if named and len(named.group("who").split()) <= 3:
                self.add(named.group("who"), "guest")

    def gather_team(self, prefix: str) -> None:
        match = TEAM.match(prefix.strip())
        if match and not self.find(match.group("team")):
            self.add(match.group("team"), "guest", is_group=True)

    # -- resolving -----------------------------------------------------------------------------

    def addressees(self, who: str) -> list[str] | None:
        """Full names (or ``["all"]``) that ``who`` addresses, or None if it is not people."""
        key = " ".join(who.split()).strip(" .")
        if key.lower() in BOTH_WORDS:
            pair = self.guest_pair()
            return [person.name for person in pair] if pair else [EVERYONE]
        if key.lower() in EVERYONE_WORDS:
            return [EVERYONE]
        if TEAM.match(key):
            group = self.find(key)
            return [group.name] if group else None
        names = [part for part in SPLIT_NAMES.split(key) if part.strip()]
        if not names:
            return None
        found: list[str] = []
        for name in names:
            person = self.find(name)
            # A team among other addressees only by its name ("Dana, widget team: ...").
            if person is None or (person.is_group and not TEAM.match(name.strip())):
                return None
            if person.name not in found:
                found.append(person.name)
        return found

    def guest_pair(self) -> list[Person] | None:
        """The two guests "Both" addresses: only when the document names exactly two."""
        guests = [p for p in self.people if p.role == "guest" and not p.is_group]
        return guests if len(guests) == 2 else None

    def split_prefix(self, text: str) -> tuple[list[str], str]:
        """Addressees of a question line, and its text without the addressee prefix.

        "Dana: How did you start?" → (["Dana Li"], "How did you start?"). A prefix that is not a
        known participant, Both/all, or a team ("Project blog: https://...", "speakers: intro")
        leaves the text as it is and addresses no one.
        """
        asked = re.match(rf"^(?P<who>{NAME})\s*\?$", text)
        if asked:
            found = self.addressees(asked.group("who"))
            if found:
                return found, text
        match = PREFIX.match(text)
        if not match or URL_START.match(match.group("rest").strip()):
            return [], text
        rest = match.group("rest").strip()
        found = self.addressees(match.group("who"))
        if not found or not rest:
            return [], text
        return found, rest

    def owner_from_cue(self, text: str) -> str | None:
        match = PASS_TO.search(text)
        if not match:
            return None
        person = self.find(clean_name(match.group("who")))
        return person.name if person else None
