"""People who appear on shows: hosts, guests, presenters, and groups addressed as one."""

import zoneinfo
from typing import TYPE_CHECKING

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models

from showrunner import bounds
from showrunner.timezones import validate_time_zone

if TYPE_CHECKING:
    from episodes.models import Show


def validate_links(value: object) -> None:
    if not isinstance(value, list):
        raise ValidationError("Links must be a list of web addresses.", code="invalid_links")
    check_url = URLValidator(schemes=["http", "https"])
    for index, link in enumerate(value, start=1):
        if not isinstance(link, str):
            raise ValidationError(
                "Link %(index)s is not a web address.", params={"index": index}, code="invalid_link"
            )
        problem = bounds.text_problem(link)
        if problem is not None:
            raise ValidationError(
                "Link %(index)s %(problem)s", params={"index": index, "problem": problem}
            )
        try:
            check_url(link)
        except ValidationError:
            raise ValidationError(
                "Link %(index)s (%(link)s) is not a web address starting with http:// or https://.",
                params={"index": index, "link": link},
                code="invalid_link",
            ) from None


class SpeakerQuerySet(models.QuerySet["Speaker"]):
    def for_user(self, user: User | AnonymousUser) -> "SpeakerQuerySet":
        """The speakers of the shows ``user`` has a role on (staff: all of them).

        Every lookup of speakers on someone's behalf starts here, so a forgotten check finds
        nothing rather than another show's guests.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if getattr(user, "is_staff", False):
            return self.all()
        show_role = apps.get_model("episodes", "ShowRole")
        return self.filter(show__in=show_role.objects.filter(user=user).values("show_id"))


class Speaker(models.Model):
    """A person (or a group such as "the widget team") on the episodes of one show.

    Someone who appears on two shows is two speakers, each with its own private link and
    profile: one show's team never sees, links to or changes another show's guests.
    """

    show = models.ForeignKey(
        "episodes.Show",
        on_delete=models.CASCADE,
        related_name="speakers",
        null=True,
        blank=True,
        help_text="The show this person appears on. Empty only for people on no show yet "
        "(from before speakers belonged to shows); only staff see those.",
    )
    name = models.CharField(max_length=200, validators=bounds.TEXT)
    is_group = models.BooleanField(
        default=False, help_text="A team or group addressed as one, such as “widget team”."
    )
    email = models.EmailField(blank=True, validators=bounds.TEXT)
    pronouns = models.CharField(max_length=50, blank=True, validators=bounds.TEXT)
    title = models.CharField(
        max_length=200,
        blank=True,
        help_text="Job title or affiliation, as the stream's lower third shows it.",
        validators=bounds.TEXT,
    )
    pronunciation = models.CharField(
        max_length=200,
        blank=True,
        help_text="How to say the name, e.g. “DAH-nah LEE”.",
        validators=bounds.TEXT,
    )
    bio = models.TextField(blank=True, help_text="Markdown.", validators=bounds.TEXT)
    avatar = models.ImageField(
        upload_to="avatars/", blank=True, help_text="Square, 512 px, without metadata."
    )
    avatar_small = models.ImageField(upload_to="avatars/", blank=True, editable=False)
    links = models.JSONField(default=list, blank=True, validators=[validate_links])
    time_zone = models.CharField(max_length=64, blank=True, validators=[validate_time_zone])
    # The private link: derived from this secret and the site's SECRET_KEY (speakers/links.py).
    # A new secret revokes every earlier link; an empty one means no link works.
    link_secret = models.CharField(max_length=64, blank=True, editable=False)
    link_expires_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The private link stops working after this.",
        validators=bounds.DATE,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SpeakerQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["name"]), models.Index(fields=["show", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo | None:
        return zoneinfo.ZoneInfo(self.time_zone) if self.time_zone else None

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else ""

    def copy_to(self, show: "Show") -> "Speaker":
        """The same person as a speaker of ``show``: their profile and contact details are
        copied (photos as files of their own), their private link never is."""
        copy = Speaker(
            show=show,
            **{name: getattr(self, name) for name in COPIED_FIELDS},
        )
        for field in ("avatar", "avatar_small"):
            original = getattr(self, field)
            if original.name and original.storage.exists(original.name):
                with original.storage.open(original.name) as content:
                    getattr(copy, field).save(original.name.rsplit("/", 1)[-1], content, save=False)
        copy.save()
        return copy


# What a copy of a speaker into another show takes along: never the link secret or expiry.
COPIED_FIELDS = [
    "name", "is_group", "email", "pronouns", "title", "pronunciation", "bio", "links",
    "time_zone",
]  # fmt: skip


_FIELD_ORDER = {
    name: index
    for index, name in enumerate(
        [
            "name",
            "email",
            "pronouns",
            "title",
            "pronunciation",
            "bio",
            "links",
            "time_zone",
            "avatar",
        ]
    )
}


class ProfileChange(models.Model):
    """A change to a guest's profile: by the guest, for the producer to see, or by a producer
    (contact details, in the editor), for the guest to see."""

    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="profile_changes")
    changed_at = models.DateTimeField(validators=bounds.DATE)
    fields = models.JSONField(help_text="Each changed field: [before, after].")
    # Empty: the guest changed it themselves; else the producer who did (their contact details).
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.speaker} changed {self.summary}"

    @property
    def summary(self) -> str:
        """The changed fields in the profile's order (jsonb on PostgreSQL keeps no key order)."""
        labels = {"avatar": "photo", "time_zone": "time zone"}
        ordered = sorted(self.fields, key=lambda name: _FIELD_ORDER.get(name, len(_FIELD_ORDER)))
        return ", ".join(labels.get(name, name) for name in ordered)
