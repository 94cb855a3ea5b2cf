"""How a show's stream graphics look: colours, type, size and side, as CSS variables.

The overlay pages' stylesheet (``static/css/overlay.css``) draws everything from ``--ov-*``
variables; a show's own values come from a small stylesheet generated here and linked after it
(the Content-Security-Policy forbids inline styles). Every value is checked on the way in (a
colour is ``#rrggbb``, a font is one of :data:`FONTS`, the size a whole percentage), so what is
written into the stylesheet can only be one of those.
"""

import hashlib
import re
from typing import Protocol

from django.core.validators import RegexValidator
from django.db import models

from showrunner import bounds

COLOUR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}\Z")
HEX_COLOUR = RegexValidator(COLOUR_PATTERN, "Give a colour as # and six hex digits, like #e4002b.")

# A font family's choice, its label, and the stack written into the stylesheet. Only fonts a
# streaming computer has (or near ones): OBS pages load no web fonts from elsewhere.
FONTS: dict[str, tuple[str, str]] = {
    "sans": (
        "Sans-serif",
        '"Inter", "Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", sans-serif',
    ),
    "condensed": (
        "Condensed",
        '"Roboto Condensed", "Arial Narrow", "Liberation Sans Narrow", sans-serif-condensed, '
        "sans-serif",
    ),
    "serif": ("Serif", 'Georgia, "Times New Roman", "Liberation Serif", serif'),
    "rounded": (
        "Rounded",
        '"Nunito", "Varela Round", "Arial Rounded MT Bold", "Segoe UI", sans-serif',
    ),
    "mono": ("Monospace", '"JetBrains Mono", Consolas, "Liberation Mono", monospace'),
}
FONT_CHOICES = [(name, label) for name, (label, _) in FONTS.items()]
SIDES = [("left", "Left"), ("right", "Right")]
SIZE_PERCENT = (75, 150)

DEFAULTS = {
    "overlay_accent": "#e4002b",
    "overlay_ink": "#ffffff",
    "overlay_panel": "#0c101c",
    "overlay_font": "sans",
    "overlay_size": 100,
    "overlay_side": "left",
}


class Looks(Protocol):
    """What a show holds of its looks (the fields named in :data:`DEFAULTS`)."""

    overlay_accent: str
    overlay_ink: str
    overlay_panel: str
    overlay_font: str
    overlay_size: int


def colour_field(label: str, name: str) -> "models.CharField[str, str]":
    """A show's colour: #rrggbb, with its default from :data:`DEFAULTS`."""
    return models.CharField(
        label, max_length=7, default=DEFAULTS[name], validators=[*bounds.TEXT, HEX_COLOUR]
    )


def rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def mix(colour: str, other: str, share: float) -> str:
    """``colour`` with ``share`` of ``other`` mixed in, as #rrggbb (no color-mix(): the
    browser sources of older OBS versions lack it)."""
    a, b = rgb(colour), rgb(other)
    return "#" + "".join(f"{round(x + (y - x) * share):02x}" for x, y in zip(a, b, strict=True))


def variables(accent: str, ink: str, panel: str, font: str, size: int) -> dict[str, str]:
    """The ``--ov-*`` variables that overlay.css draws with, for these looks."""
    r, g, b = rgb(panel)
    lighter = rgb(mix(panel, ink, 0.1))
    return {
        "--ov-accent": accent,
        "--ov-ink": ink,
        "--ov-panel": f"rgba({r}, {g}, {b}, 0.88)",
        "--ov-panel-2": "rgba({}, {}, {}, 0.92)".format(*lighter),
        "--ov-muted": mix(ink, panel, 0.22),
        "--ov-font": FONTS.get(font, FONTS["sans"])[1],
        "--ov-size": f"{size / 100:g}",
    }


def checked(show: Looks, name: str) -> str:
    """A colour of the show's, or the default where it is not #rrggbb (the forms check it; this
    keeps anything else out of the stylesheet whatever wrote it)."""
    value = getattr(show, name)
    return value if isinstance(value, str) and COLOUR_PATTERN.match(value) else str(DEFAULTS[name])


def of_show(show: Looks) -> dict[str, str]:
    size = show.overlay_size
    low, high = SIZE_PERCENT
    return variables(
        checked(show, "overlay_accent"),
        checked(show, "overlay_ink"),
        checked(show, "overlay_panel"),
        show.overlay_font,
        size if isinstance(size, int) and low <= size <= high else 100,
    )


def stylesheet(show: Looks) -> str:
    lines = [f"  {name}: {value};" for name, value in of_show(show).items()]
    return ":root {\n" + "\n".join(lines) + "\n}\n"


def version(show: Looks) -> str:
    """Changes whenever the stylesheet does: its address carries it, so it can be cached."""
    return hashlib.sha256(stylesheet(show).encode()).hexdigest()[:12]
