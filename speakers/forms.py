"""The guest's own profile form. It validates and cleans; saving records what changed."""

from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from showrunner.timezones import time_zone_names

from . import avatars
from .models import ProfileChange, Speaker

TRACKED = ["name", "pronouns", "pronunciation", "bio", "links", "time_zone"]


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
        fields = ["name", "pronouns", "pronunciation", "bio", "time_zone"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "bio": "A few lines about you, in Markdown. Shown with the episode.",
            "pronunciation": "How to say your name, e.g. DAH-nah LEE.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [("", "—"), *((z, z) for z in time_zone_names())]
        self.fields["bio"].max_length = 5000
        if not self.is_bound:
            self.initial["links"] = "\n".join(self.instance.links)
        self.processed: dict[str, Any] = {}

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
        return speaker
