"""Forms for the episode editor. They validate and clean; they never save."""

import re
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator, URLValidator

from showrunner import bounds

from .formats import MAX_CHARACTERS, MAX_FILE_BYTES
from .formats.markdown_runsheet import news_items
from .models import Appearance, Episode, NewsItem, Question, Segment

PLANNED = re.compile(  # no two runs of spaces side by side: linear in the text's length
    r"^\s*(?P<low>\d+(?::\d{1,2})?)"
    r"(?:\s*(?P<unit1>m|min|mins|minutes?|s|sec|secs|seconds?|h|hrs?|hours?))?"
    r"(?:\s*(?:-|–|—|to)\s*(?P<high>\d+(?::\d{1,2})?)"
    r"(?:\s*(?P<unit2>m|min|mins|minutes?|s|sec|secs|seconds?|h|hrs?|hours?))?)?\s*$",
    re.IGNORECASE,
)


def to_seconds(amount: str, unit: str | None) -> int:
    if ":" in amount:  # 1:30 is minutes and seconds
        minutes, seconds = amount.split(":")
        if int(seconds) >= 60:
            raise ValidationError(f"“{amount}” has more than 59 seconds.")
        return int(minutes) * 60 + int(seconds)
    unit = (unit or "min").lower()
    if unit.startswith("h"):
        return int(amount) * 3600
    if unit.startswith("s"):
        return int(amount)
    return int(amount) * 60


def parse_planned(text: str) -> tuple[int | None, int | None]:
    """ "5" → 5 min; "5-10" → a range; "1:30" → 90 s; "90s", "1h"; "" → no planned time."""
    if not text.strip():
        return None, None
    match = PLANNED.match(text)
    if not match:
        raise ValidationError(
            "Write minutes, such as 5, or a range such as 5-10 (also 1:30, 90s, 1h)."
        )
    unit = match.group("unit2") or match.group("unit1")
    low = to_seconds(match.group("low"), match.group("unit1") or unit)
    high = to_seconds(match.group("high"), unit) if match.group("high") else low
    if high < low:
        raise ValidationError("The shorter time goes first, as in 5-10.")
    if high > 24 * 3600:
        raise ValidationError("A segment longer than a day is not a segment.")
    return low, high


def format_planned(low: int | None, high: int | None) -> str:
    """What the planned-time input shows: the inverse of :func:`parse_planned`."""

    def one(seconds: int) -> str:
        return str(seconds // 60) if seconds % 60 == 0 else f"{seconds // 60}:{seconds % 60:02}"

    if low is None or high is None:
        return ""
    return one(low) if low == high else f"{one(low)}-{one(high)}"


# A mixin for forms: the checker sees the form it is mixed into (BaseForm's clean and
# cleaned_data); at run time it is a plain class, so it is not counted among the forms.
if TYPE_CHECKING:
    MixedIntoForm = forms.BaseForm
else:
    MixedIntoForm = object


class NewlinesNormalised(MixedIntoForm):
    """Text keeps its new lines as LF: browsers send a textarea's as CR LF. Runs before the
    model's validators (:mod:`showrunner.bounds`) see the values."""

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for name, value in data.items():
            if isinstance(value, str):
                data[name] = bounds.normalise_newlines(value)
        return data


class PlannedField(forms.CharField):
    def clean(self, value: Any) -> tuple[int | None, int | None]:
        return parse_planned(super().clean(value) or "")


class SegmentForm(NewlinesNormalised, forms.ModelForm):
    """One segment's editable cells; the editor posts one field at a time."""

    planned = PlannedField(required=False, max_length=40)

    class Meta:
        model = Segment
        fields = ["title", "kind", "owner", "notes"]

    def __init__(self, *args: Any, episode: Episode, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)  # from the model's ForeignKey
        owner.queryset = episode.appearances.select_related("speaker")
        owner.required = False

    def changes_for(self, field: str) -> dict[str, Any]:
        """The attnames and cleaned values that editing ``field`` sets."""
        if field == "planned":
            low, high = self.cleaned_data["planned"]
            return {"planned_seconds": low, "planned_max_seconds": high}
        if field == "owner":
            owner = self.cleaned_data["owner"]
            return {"owner_id": owner.pk if owner else None}
        return {field: self.cleaned_data[field]}


class QuestionForm(NewlinesNormalised, forms.ModelForm):
    class Meta:
        model = Question
        fields = ["text", "notes", "is_recurring"]


class NewsItemForm(NewlinesNormalised, forms.ModelForm):
    url = forms.URLField(required=False, max_length=1000, assume_scheme="https")

    class Meta:
        model = NewsItem
        fields = ["title", "url", "notes"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        title = data.get("title", self.instance.title)
        url = data.get("url", self.instance.url)
        if not (title or "").strip() and not url:
            raise ValidationError("A news item needs a title or a link.")
        return data


class AppearanceForm(NewlinesNormalised, forms.ModelForm):
    class Meta:
        model = Appearance
        fields = ["role", "notes"]


class HeaderForm(NewlinesNormalised, forms.ModelForm):
    """The episode's own fields; the air start is entered in the show's time zone."""

    air_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), validators=bounds.DATE
    )
    air_time = forms.TimeField(required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    target_minutes = forms.IntegerField(min_value=1, max_value=24 * 60)
    join_url = forms.URLField(required=False, max_length=500, assume_scheme="https")
    recording_url = forms.URLField(required=False, max_length=500, assume_scheme="https")
    call_minutes = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=24 * 60,
        label="call time",
        error_messages={"min_value": "Give the minutes before air, 0 or more."},
    )

    class Meta:
        model = Episode
        fields = ["number", "title", "status", "hook", "join_url", "recording_url", "call_minutes"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        episode: Episode = self.instance
        start = episode.local_start()
        self.initial.setdefault("air_date", start.date() if start else episode.air_date)
        self.initial.setdefault("air_time", start.time() if start else None)
        self.initial.setdefault("target_minutes", episode.target_seconds // 60)

    def clean_number(self) -> int | None:
        number = self.cleaned_data.get("number")
        if number is not None:
            if number < 1:
                raise ValidationError("Episode numbers start at 1.")
            clash = (
                Episode.objects.filter(show=self.instance.show, number=number)
                .exclude(pk=self.instance.pk)
                .first()
            )
            if clash is not None:
                raise ValidationError(
                    f"Number {number} is already taken by “{clash.title or 'another episode'}”."
                )
        return number

    def changes_for(self, field: str) -> dict[str, Any]:
        episode: Episode = self.instance
        if field in ("air_date", "air_time"):
            day: date | None = self.cleaned_data.get("air_date")
            at: time | None = self.cleaned_data.get("air_time")
            if day is None and at is not None:
                raise ValidationError({"air_date": "Give the date as well as the time."})
            if day is None:
                return {"air_date": None, "starts_at": None}
            if at is None:
                return {"air_date": day, "starts_at": None}
            starts_at = datetime.combine(day, at, tzinfo=episode.show.zone)
            return {"air_date": day, "starts_at": starts_at}
        if field == "target_minutes":
            return {"target_seconds": self.cleaned_data["target_minutes"] * 60}
        return {field: self.cleaned_data[field]}


class PasteNewsForm(forms.Form):
    """Several news items at once: one link per line, with or without a label."""

    links = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=20_000)

    def clean_links(self) -> list[tuple[str, str]]:
        items: list[tuple[str, str]] = []
        errors = []
        is_url = URLValidator(schemes=["http", "https"])
        for number, line in enumerate(self.cleaned_data["links"].splitlines(), start=1):
            line = line.strip().lstrip("-*• ").strip()
            if not line:
                continue
            if problem := bounds.text_problem(line):
                errors.append(f"Line {number} {problem}")
                continue
            found = news_items(line, None)
            if not found:
                errors.append(f"Line {number} (“{line[:60]}”) has no link.")
                continue
            for item in found:
                try:
                    is_url(item.url)
                except ValidationError:
                    errors.append(f"Line {number}: “{item.url[:80]}” is not a valid link.")
                    continue
                if len(item.url) > 1000 or len(item.title) > 300:
                    errors.append(f"Line {number} is too long.")
                    continue
                items.append((item.title, item.url))
        if errors:
            raise ValidationError(errors)
        if not items:
            raise ValidationError("Paste at least one link.")
        return items


class ImportForm(forms.Form):
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        label="Paste a run-sheet or recap post",
        max_length=MAX_CHARACTERS,
    )
    upload = forms.FileField(
        required=False, label="…or upload a file (.md, .txt, .json; a spreadsheet: .csv, .xlsx)"
    )
    number = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=bounds.LARGEST_EPISODE_NUMBER,
        label="Episode number, if the document has none",
    )
    replace = forms.BooleanField(
        required=False, label="Replace the episode with the same number if there is one"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # No maxlength on the box: a browser would cut a longer paste short without a word.
        # static/js/import-form.js says it is too long instead, and the server checks again.
        attrs = self.fields["text"].widget.attrs
        attrs.pop("maxlength", None)
        attrs["data-max-characters"] = str(MAX_CHARACTERS)
        # A NUL in a paste is reported by the reader with its line ("is this a binary
        # file?"), not as a bare form error.
        text = self.fields["text"]
        text.validators = [
            v for v in text.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]
        self.fields["upload"].widget.attrs["data-max-bytes"] = str(MAX_FILE_BYTES)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        upload = data.get("upload")
        if upload is not None:
            if upload.size > MAX_FILE_BYTES:
                raise ValidationError(
                    f"That file is over {MAX_FILE_BYTES // 1_000_000} MB; "
                    "a run-sheet is far smaller."
                )
            try:
                data["text"] = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                raise ValidationError(
                    "That file is not UTF-8 text; upload the Markdown or JSON file itself."
                ) from None
            data["filename"] = upload.name
        if not (data.get("text") or "").strip():
            raise ValidationError("Paste a run-sheet or choose a file.")
        return data
