"""Forms for setting a show up: a new show, its settings, an invitation to its team."""

from typing import Any

from django import forms

from showrunner.timezones import time_zone_names, validate_time_zone

from . import overlay_looks
from .models import Role, Show

COLOUR = forms.TextInput(attrs={"type": "color"})


class TimeZoneField(forms.CharField):
    """A time zone name from the list (templates/_time_zone_field.html renders the picker)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=64, validators=[validate_time_zone], **kwargs)


class NewShowForm(forms.Form):
    name = forms.CharField(max_length=200, strip=True)
    time_zone = TimeZoneField()

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Give the show a name.")
        return name


class ShowSettingsForm(forms.ModelForm):
    time_zone = TimeZoneField()
    default_minutes = forms.IntegerField(
        min_value=1, max_value=24 * 60, label="Default length (minutes)"
    )
    warning_seconds = forms.IntegerField(
        min_value=0, max_value=24 * 3600, label="Warning at (seconds left)"
    )
    danger_seconds = forms.IntegerField(
        min_value=0, max_value=24 * 3600, label="Danger at (seconds left)"
    )
    call_minutes = forms.IntegerField(
        min_value=0, max_value=24 * 60, label="Call time (minutes before air)"
    )
    lower_third_seconds = forms.IntegerField(
        min_value=1,
        max_value=600,
        required=False,
        label="Lower third stays (seconds)",
        help_text="How long a stream graphics lower third stays up when it comes in by itself.",
    )
    field_order = [
        "name",
        "time_zone",
        "default_minutes",
        "warning_seconds",
        "danger_seconds",
        "call_minutes",
    ]

    class Meta:
        model = Show
        fields = [
            "name",
            "time_zone",
            "warning_seconds",
            "danger_seconds",
            "call_minutes",
            "contact_name",
            "contact_email",
            "upcoming_public",
            "lower_third_seconds",
        ]
        labels = {
            "lower_third_seconds": "Lower third stays (seconds)",
            "contact_name": "Contact for guests",
            "contact_email": "Contact email",
            "upcoming_public": "Anyone may see the upcoming page and its calendar",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("default_minutes", self.instance.default_target_seconds // 60)
        self.zones = time_zone_names()

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Give the show a name.")
        return name

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        warning, danger = data.get("warning_seconds"), data.get("danger_seconds")
        if warning is not None and danger is not None and danger > warning:
            self.add_error(
                "danger_seconds",
                f"Danger comes after warning: give at most {warning} seconds (the warning).",
            )
        return data

    def save(self, commit: bool = True) -> Show:
        self.instance.default_target_seconds = self.cleaned_data["default_minutes"] * 60
        return super().save(commit)

    def clean_lower_third_seconds(self) -> int:
        seconds = self.cleaned_data.get("lower_third_seconds")
        return self.instance.lower_third_seconds if seconds is None else int(seconds)


class OverlayLooksForm(forms.ModelForm):
    """How the show's stream graphics look; the settings page previews it as it is changed.

    Every value is checked here, at the form's fields (the preview's stylesheet is made from a
    form that did not pass, with only the values that did)."""

    overlay_accent = forms.CharField(
        label="Accent colour", validators=[overlay_looks.HEX_COLOUR], widget=COLOUR
    )
    overlay_ink = forms.CharField(
        label="Text colour", validators=[overlay_looks.HEX_COLOUR], widget=COLOUR
    )
    overlay_panel = forms.CharField(
        label="Panel colour", validators=[overlay_looks.HEX_COLOUR], widget=COLOUR
    )
    overlay_size = forms.IntegerField(
        label="Text size (%)",
        min_value=overlay_looks.SIZE_PERCENT[0],
        max_value=overlay_looks.SIZE_PERCENT[1],
        help_text="Of the graphics' text: 75 to 150.",
        widget=forms.NumberInput(attrs={"step": 5}),
    )

    class Meta:
        model = Show
        fields = list(overlay_looks.DEFAULTS)
        help_texts = {
            "overlay_side": "An overlay address's side=left or side=right still chooses.",
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("overlay_accent", "overlay_ink", "overlay_panel"):
            if data.get(name):
                data[name] = data[name].lower()
        if data.get("overlay_ink") and data.get("overlay_ink") == data.get("overlay_panel"):
            self.add_error(
                "overlay_ink", "The text would not show: pick a colour unlike the panel's."
            )
        return data


class InviteForm(forms.Form):
    email = forms.EmailField(max_length=254)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.SHOW_CALLER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
