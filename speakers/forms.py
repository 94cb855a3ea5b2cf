"""The guest's own profile form. It validates and cleans; saving records what changed."""

import unicodedata
from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from episodes import editing
from showrunner.timezones import time_zone_names

from . import avatars
from .models import ProfileChange, Speaker

TRACKED = ["name", "pronouns", "title", "pronunciation", "bio", "links", "time_zone"]

# Characters a name must not hold: controls, line and paragraph separators, and the invisible
# and text-direction marks that make a name read as someone else's, or reorder the text around
# it (U+202A-U+202E embeddings and overrides, U+2066-U+2069 isolates). The joiners U+200C and
# U+200D stay allowed: Persian and Indic names and emoji need them.
CONTROL = {"Cc", "Cs", "Co", "Zl", "Zp"}
INVISIBLE = {
    "\u00ad", "\u061c", "\u115f", "\u1160", "\u180e", "\u200b", "\u200e", "\u200f",
    *map(chr, range(0x202A, 0x202F)), "\u2060", *map(chr, range(0x2061, 0x2065)),
    *map(chr, range(0x2066, 0x206A)), "\u3164", "\ufeff", "\uffa0",
}  # fmt: skip


def comparable(name: str) -> str:
    """A name as people read it: compatibility forms folded, case and spacing ignored."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


class ProfileForm(forms.ModelForm):
    links = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One web address per line: your site, your profiles.",
        max_length=3000,
    )
    time_zone = forms.ChoiceField(required=False)
    photo = forms.FileField(
        required=False,
        help_text="A JPEG, PNG, GIF or WebP photo, up to 5 MB. It is cropped square.",
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}
        ),
    )

    class Meta:
        model = Speaker
        fields = ["name", "pronouns", "title", "pronunciation", "bio", "time_zone"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 6})}
        labels = {"title": "Title or affiliation"}
        help_texts = {
            "title": "As the stream's lower third shows it under your name, e.g. "
            "“Maintainer, Lattice”.",
            "bio": "A few lines about you, in Markdown. Shown with the episode.",
            "pronunciation": "How to say your name, e.g. DAH-nah LEE.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        time_zone, bio = self.fields["time_zone"], self.fields["bio"]
        assert isinstance(time_zone, forms.ChoiceField)  # declared above
        assert isinstance(bio, forms.CharField)  # from the model's TextField
        time_zone.choices = [("", "—"), *((z, z) for z in time_zone_names())]
        bio.max_length = 5000
        if not self.is_bound:
            self.initial["links"] = "\n".join(self.instance.links)
        self.processed: dict[str, Any] = {}

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        hidden = [c for c in name if c in INVISIBLE or unicodedata.category(c) in CONTROL]
        if hidden:
            code = f"U+{ord(hidden[0]):04X}"
            raise ValidationError(
                f"Your name holds an invisible or text-direction character ({code}); "
                "please type it without."
            )
        renamed = comparable(name) != comparable(self.instance.name)
        if renamed and comparable(name) in self.taken_names():
            raise ValidationError(
                "Someone else on your episodes is called that. Please use your own name."
            )
        return name

    def taken_names(self) -> set[str]:
        """The names of everyone else on this guest's episodes: the other speakers and the
        shows' team, as :func:`comparable` gives them."""
        from django.contrib.auth import get_user_model

        from episodes.models import Appearance, ShowRole

        speaker = self.instance
        episodes = Appearance.objects.filter(speaker=speaker).values("episode")
        others = (
            Appearance.objects.filter(episode__in=episodes)
            .exclude(speaker=speaker)
            .values_list("speaker__name", flat=True)
        )
        shows = Appearance.objects.filter(speaker=speaker).values("episode__show")
        team = get_user_model().objects.filter(
            pk__in=ShowRole.objects.filter(show__in=shows).values("user")
        )
        names = set(others)
        for user in team:
            names.update({user.get_full_name(), user.get_username(), user.first_name})
        return {comparable(name) for name in names if name.strip()}

    def clean_links(self) -> list[str]:
        found = []
        check = URLValidator(schemes=["http", "https"])
        for number, line in enumerate(self.cleaned_data["links"].splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            try:
                check(line)
            except ValidationError:
                raise ValidationError(
                    f"Line {number} (“{line[:60]}”) is not a web address starting with https://."
                ) from None
            found.append(line)
        if len(found) > 10:
            raise ValidationError("Ten links at most, please.")
        return found

    def clean_bio(self) -> str:
        bio = self.cleaned_data["bio"]
        if len(bio) > 5000:
            raise ValidationError("Keep it under 5,000 characters.")
        return bio

    def clean_photo(self) -> object:
        upload = self.cleaned_data.get("photo")
        if upload:
            try:
                self.processed = avatars.process(upload)
            except avatars.AvatarError as exc:
                raise ValidationError(str(exc)) from None
        return upload

    def save_with_history(self, *, now: datetime) -> Speaker:
        """Save what the guest changed, and record it for the producer (from what to what).

        Only the changed columns are written: the private link's secret and expiry, which the
        producer may revoke while this form is open, are never written back from this copy.
        """
        speaker: Speaker = self.instance
        before = Speaker.objects.get(pk=speaker.pk)
        with transaction.atomic():
            speaker.links = self.cleaned_data["links"]
            changes = {
                name: [getattr(before, name), getattr(speaker, name)]
                for name in TRACKED
                if getattr(before, name) != getattr(speaker, name)
            }
            if self.processed:
                for field, content in self.processed.items():
                    getattr(speaker, field).save(content.name, content, save=False)
                    replaced = getattr(before, field)
                    if replaced.name:  # the old photo goes once the new one is saved
                        transaction.on_commit(
                            lambda old=replaced: old.storage.delete(old.name)  # type: ignore[misc]
                        )
                changes["avatar"] = [before.avatar.name or "", speaker.avatar.name]
            if changes:
                written = [name for name in changes if name != "avatar"]
                if "avatar" in changes:
                    written += list(self.processed)
                speaker.save(update_fields=[*written, "updated_at"])
                ProfileChange.objects.create(speaker=speaker, changed_at=now, fields=changes)
                editing.speaker_changed(speaker.pk, changes, now=now)
        return speaker
