"""Shows, their episodes, and what an episode is made of: segments, questions, news, guests.

Rules that span rows live in the database as constraints (unique positions, unique episode
numbers, min ≤ max). Positions are kept gap-free by :mod:`episodes.ordering`.
"""

import secrets
import zoneinfo
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from showrunner import bounds
from showrunner.timezones import validate_time_zone
from speakers.models import Speaker

from . import live_clock, overlay_looks, runsheet


class Role(models.TextChoices):
    PRODUCER = "producer", "Producer"
    SHOW_CALLER = "show_caller", "Show caller"
    HOST = "host", "Host"


def new_feed_secret() -> str:
    return secrets.token_hex(32)


class Show(models.Model):
    name = models.CharField(max_length=200, validators=bounds.TEXT)
    slug = models.SlugField(max_length=100, unique=True)
    time_zone = models.CharField(
        max_length=64,
        default=settings.SHOWRUNNER_DEFAULT_TIME_ZONE,
        validators=[validate_time_zone],
    )
    default_target_seconds = models.PositiveIntegerField(
        default=3600,
        help_text="Planned length of an episode, in seconds.",
        validators=bounds.SECONDS,
    )
    warning_seconds = models.PositiveIntegerField(
        default=120,
        help_text="The live timer turns to warning with this much left.",
        validators=bounds.SECONDS,
    )
    danger_seconds = models.PositiveIntegerField(
        default=60,
        help_text="The live timer turns to danger with this much left.",
        validators=bounds.SECONDS,
    )
    call_minutes = models.PositiveIntegerField(
        default=30,
        help_text="How long before air guests should arrive.",
        validators=bounds.CALL_MINUTES,
    )
    contact_name = models.CharField(
        max_length=200, blank=True, help_text="Whom guests contact.", validators=bounds.TEXT
    )
    contact_email = models.EmailField(blank=True, validators=bounds.TEXT)
    upcoming_public = models.BooleanField(
        default=False,
        help_text="Anyone may see the upcoming-episodes page and its calendar feed; "
        "otherwise only the show's team.",
    )
    # The calendar feed of a team-only show is read by calendar apps, which cannot log in: its
    # address carries a key derived from this and SECRET_KEY. A new secret revokes old keys.
    feed_secret = models.CharField(max_length=64, default=new_feed_secret, editable=False)
    # The stream graphics (episodes/overlays.py) are read by OBS, which cannot log in either:
    # their addresses carry a key made from this. A new secret revokes every overlay address.
    overlay_secret = models.CharField(max_length=64, default=new_feed_secret, editable=False)
    lower_third_seconds = models.PositiveIntegerField(
        default=8,
        help_text="How long a lower third stays on screen when it comes in by itself.",
        validators=bounds.SECONDS,
    )
    # How the stream graphics look (episodes/overlay_looks.py writes them as CSS variables).
    overlay_accent = overlay_looks.colour_field("accent colour", "overlay_accent")
    overlay_ink = overlay_looks.colour_field("text colour", "overlay_ink")
    overlay_panel = overlay_looks.colour_field("panel colour", "overlay_panel")
    overlay_font = models.CharField(
        "font",
        max_length=20,
        choices=overlay_looks.FONT_CHOICES,
        default=overlay_looks.DEFAULTS["overlay_font"],
    )
    overlay_size = models.PositiveSmallIntegerField(
        "text size (%)",
        default=overlay_looks.DEFAULTS["overlay_size"],
        validators=[
            MinValueValidator(overlay_looks.SIZE_PERCENT[0]),
            MaxValueValidator(overlay_looks.SIZE_PERCENT[1]),
        ],
    )
    overlay_side = models.CharField(
        "lower third's side",
        max_length=5,
        choices=overlay_looks.SIDES,
        default=overlay_looks.DEFAULTS["overlay_side"],
    )
    archived_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Archived: off the home page; its team still reaches it.",
        validators=bounds.DATE,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class ShowRole(models.Model):
    """A person's role on one show; someone can produce one show and host another."""

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="show_roles"
    )
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["show", "user", "role"], name="unique_show_user_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} of {self.show}"


class Invitation(models.Model):
    """A producer's invitation to a role on a show, sent by email as a signed, expiring link
    (:mod:`episodes.team`). Accepted once; withdrawing it (deleting the row) ends the link."""

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(validators=bounds.TEXT)
    role = models.CharField(max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(validators=bounds.DATE)
    accepted_at = models.DateTimeField(null=True, blank=True, validators=bounds.DATE)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.email} as {self.get_role_display()} of {self.show}"


class EpisodeManager(models.Manager["Episode"]):
    """Episodes that are not deleted: a deleted draft is hidden everywhere, from every query
    that starts at ``Episode.objects`` or a show's ``episodes``, until it is purged."""

    def get_queryset(self) -> models.QuerySet["Episode"]:
        return super().get_queryset().filter(deleted_at__isnull=True)


class Episode(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        LIVE = "live", "Live"
        DONE = "done", "Done"

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="episodes")
    number = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Unique within the show; empty for a draft.",
        validators=bounds.EPISODE_NUMBER,
    )
    title = models.CharField(max_length=200, blank=True, validators=bounds.TEXT)
    air_date = models.DateField(
        null=True,
        blank=True,
        help_text="Set from the air start when the time is known.",
        validators=bounds.DATE,
    )
    starts_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Air start; empty while only the date is known.",
        validators=bounds.DATE,
    )
    target_seconds = models.PositiveIntegerField(
        help_text="Planned length, in seconds.", validators=bounds.SECONDS
    )
    hook = models.TextField(blank=True, validators=bounds.TEXT)
    description = models.TextField(blank=True, validators=bounds.TEXT)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    recording_url = models.URLField(max_length=500, blank=True, validators=bounds.TEXT)
    join_url = models.URLField(
        max_length=500,
        blank=True,
        help_text="Where guests join: a studio or meeting link.",
        validators=bounds.TEXT,
    )
    hard_out_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the show must be off air, if it must.",
        validators=bounds.DATE,
    )
    call_minutes = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Overrides the show's: how long before air guests arrive.",
        validators=bounds.CALL_MINUTES,
    )
    chapters = models.TextField(
        blank=True,
        help_text="Video chapters as the producer edited them; empty: from the times on air.",
        validators=bounds.TEXT,
    )
    is_template = models.BooleanField(
        default=False, help_text="The show's template: what a new episode starts from."
    )
    # version: the episode's own fields; layout_version: which segments, questions and news
    # there are and their order (each checked in the UPDATE that changes what it guards).
    # Two more tell open screens when to refresh, each moved by one function that says so:
    # revision, the plan, which editors follow (editing.plan_changed); live_revision, what
    # live screens show, which the push follows (onair.live_changed).
    version = models.PositiveIntegerField(default=1, validators=bounds.COUNTER)
    layout_version = models.PositiveIntegerField(default=1, validators=bounds.COUNTER)
    revision = models.PositiveIntegerField(default=1, validators=bounds.COUNTER)
    live_revision = models.PositiveIntegerField(default=1, validators=bounds.COUNTER)
    archived_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Archived: off the lists and the upcoming page, kept in reports.",
        validators=bounds.DATE,
    )
    # A deleted draft (one that never aired) stays for the undo window, hidden everywhere, and
    # is purged after it (manage.py purge_deleted_episodes).
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False, validators=bounds.DATE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    everything = models.Manager()  # deleted ones too: undo and purge
    objects = EpisodeManager()

    class Meta:
        ordering = ["-air_date", "-number"]
        default_manager_name = "objects"
        base_manager_name = "everything"
        constraints = [
            models.UniqueConstraint(fields=["show", "number"], name="unique_episode_number"),
            models.UniqueConstraint(
                fields=["show"], condition=Q(is_template=True), name="one_template_per_show"
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True) | Q(air_date__isnull=False),
                name="episode_start_has_date",
            ),
        ]
        indexes = [models.Index(fields=["show", "air_date"])]

    def __str__(self) -> str:
        return self.label

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The date is derived from the start whenever the start is known, so the two never
        # disagree; it stays settable on its own while the time is not known yet.
        if self.starts_at is not None:
            self.air_date = self.starts_at.astimezone(self.show.zone).date()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "air_date"}
        super().save(*args, **kwargs)

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> "Episode":
        """A date or time outside the years kept (saved before there were bounds, see
        showrunner/bounds.py) reads as not known: no page, feed or backup has to show a time
        past the last date there is, in every zone, and a backup of it restores."""
        episode = super().from_db(db, field_names, values)
        for name in ("air_date", "starts_at", "hard_out_at"):
            moment = episode.__dict__.get(name)
            if moment is not None and bounds.year_problem(moment):
                episode.__dict__[name] = None
        return episode

    @property
    def label(self) -> str:
        head = f"{self.show.name} #{self.number}" if self.number is not None else self.show.name
        return f"{head}: {self.title}" if self.title else head

    def local_start(self) -> datetime | None:
        """The air start in the show's time zone."""
        if self.starts_at is None:
            return None
        return self.starts_at.astimezone(self.show.zone)

    @property
    def target(self) -> timedelta:
        return timedelta(seconds=self.target_seconds)

    @property
    def call_time(self) -> datetime | None:
        """When guests should be there: the air start less the call minutes."""
        if self.starts_at is None:
            return None
        minutes = self.call_minutes if self.call_minutes is not None else self.show.call_minutes
        return self.starts_at - timedelta(minutes=minutes)

    def run_sheet(self, *, now: datetime) -> runsheet.RunSheet:
        """The computed run-sheet; uses ``segments`` as prefetched by the caller."""
        return runsheet.build(
            list(self.segments.all()), starts_at=self.starts_at, target=self.target, now=now
        )


class Appearance(models.Model):
    """A speaker on one episode, in a role, with what the producer wants them to prepare."""

    class Role(models.TextChoices):
        HOST = "host", "Host"
        CO_HOST = "co_host", "Co-host"
        GUEST = "guest", "Guest"
        PRESENTER = "presenter", "Presenter"
        PRODUCER = "producer", "Producer"

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="appearances")
    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="appearances")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.GUEST)
    notes = models.TextField(
        blank=True,
        help_text="For this guest: what to prepare. Shown to the guest.",
        validators=bounds.TEXT,
    )
    version = models.PositiveIntegerField(default=1, validators=bounds.COUNTER)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "speaker"], name="unique_appearance")
        ]

    def __str__(self) -> str:
        return f"{self.speaker.name} ({self.get_role_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A speaker belongs to one show: an appearance never links a show's episode to another
        # show's guest, whichever code path creates it. A speaker on no show yet joins this one.
        if self._state.adding:
            episode_show = (
                Episode.objects.filter(pk=self.episode_id).values_list("show_id", flat=True).first()
            )
            speaker_show = (
                Speaker.objects.filter(pk=self.speaker_id).values_list("show_id", flat=True).first()
            )
            if speaker_show is None:
                Speaker.objects.filter(pk=self.speaker_id, show__isnull=True).update(
                    show_id=episode_show
                )
                self.speaker.show_id = episode_show
            elif speaker_show != episode_show:
                raise ValidationError(
                    "This person is a guest of another show; copy them to this show first."
                )
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.speaker_id is None or self.episode_id is None:
            return
        speaker_show = self.speaker.show_id
        if speaker_show is not None and speaker_show != self.episode.show_id:
            raise ValidationError(
                {"speaker": "This person is a guest of another show; copy them to this show."}
            )


class Segment(models.Model):
    class Kind(models.TextChoices):
        HOOK = "hook", "Hook"
        NEWS = "news", "News"
        INTRO = "intro", "Intro"
        QUESTIONS = "questions", "Questions"
        DEMO = "demo", "Demo"
        WRAP_UP = "wrap_up", "Wrap-up"
        OTHER = "other", "Other"

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="segments")
    position = models.PositiveIntegerField(validators=bounds.COUNTER)
    title = models.CharField(max_length=200, validators=bounds.TEXT)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OTHER)
    planned_seconds = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Planned duration; the minimum when it is a range.",
        validators=bounds.SECONDS,
    )
    planned_max_seconds = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Equal to the minimum unless the duration is a range.",
        validators=bounds.SECONDS,
    )
    notes = models.TextField(
        blank=True, help_text="Markdown, for the team only.", validators=bounds.TEXT
    )
    owner = models.ForeignKey(
        Appearance,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_segments",
        help_text="Who leads this segment.",
    )
    warning_seconds = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Overrides the show's warning threshold.",
        validators=bounds.SECONDS,
    )
    danger_seconds = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Overrides the show's danger threshold.",
        validators=bounds.SECONDS,
    )
    version = models.PositiveIntegerField(default=1, validators=bounds.COUNTER)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "position"], name="unique_segment_position"),
            models.CheckConstraint(
                condition=(
                    Q(planned_seconds__isnull=True, planned_max_seconds__isnull=True)
                    | Q(
                        planned_seconds__isnull=False,
                        planned_max_seconds__isnull=False,
                        planned_seconds__lte=models.F("planned_max_seconds"),
                    )
                ),
                name="segment_planned_min_le_max",
                violation_error_message=(
                    "Give both the minimum and the maximum, with the minimum not above the maximum."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def planned(self) -> runsheet.Planned:
        return runsheet.Planned(self.planned_seconds, self.planned_max_seconds)

    def questions_by_addressee(self) -> list[tuple[str, list["Question"]]]:
        """The questions grouped under whom they are for, in order of first mention.

        Reads the prefetched ``questions`` (with ``addressed_to__speaker``).
        """
        groups: dict[str, list[Question]] = {}
        for question in self.questions.all():
            groups.setdefault(question.addressee_label, []).append(question)
        return list(groups.items())


class Question(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        ASKED = "asked", "Asked"
        SKIPPED = "skipped", "Skipped"

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(validators=bounds.COUNTER)
    text = models.TextField(validators=bounds.TEXT)
    addressed_to = models.ManyToManyField(Appearance, blank=True, related_name="questions")
    for_everyone = models.BooleanField(
        default=False, help_text="Addressed to everyone on the episode (“Both”, “all”)."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    notes = models.TextField(blank=True, validators=bounds.TEXT)
    is_recurring = models.BooleanField(
        default=False, help_text="Asked in every episode: comes along when an episode is copied."
    )
    version = models.PositiveIntegerField(default=1, validators=bounds.COUNTER)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["segment", "position"], name="unique_question_position")
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def addressee_label(self) -> str:
        """ "Everyone", "Dana Li and Omar Haddad", or "Anyone" when addressed to no one."""
        if self.for_everyone:
            return "Everyone"
        names = [appearance.speaker.name for appearance in self.addressed_to.all()]
        if not names:
            return "Anyone"
        return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


class NewsItem(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="news_items")
    position = models.PositiveIntegerField(validators=bounds.COUNTER)
    title = models.CharField(max_length=300, blank=True, validators=bounds.TEXT)
    url = models.URLField(
        max_length=1000, blank=True, help_text="Empty for a text-only item.", validators=bounds.TEXT
    )
    notes = models.TextField(blank=True, validators=bounds.TEXT)
    version = models.PositiveIntegerField(default=1, validators=bounds.COUNTER)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "position"], name="unique_news_position"),
            models.CheckConstraint(
                condition=~Q(title="") | ~Q(url=""),
                name="news_item_has_title_or_url",
                violation_error_message="A news item needs a title or a link.",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.url


class Change(models.Model):
    """One edit to an episode, with what it takes to undo it for a few minutes."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="changes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField()
    action = models.CharField(max_length=30)
    description = models.CharField(max_length=300)
    undo = models.JSONField(default=dict, help_text="What restores the state before the edit.")
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["episode", "user", "-created_at"])]

    def __str__(self) -> str:
        return self.description


class LiveState(models.Model):
    """The live clock of one episode: a handful of anchor timestamps, never a ticking counter.

    Remaining time is arithmetic on these and the time asked about
    (:mod:`episodes.live_clock`), so a restart, another worker process or a late screen all
    compute the same number. ``version`` is checked in the UPDATE of every command.
    """

    State = live_clock.State  # one enum of the live states, the pure clock's

    episode = models.OneToOneField(Episode, on_delete=models.CASCADE, related_name="live")
    state = models.CharField(
        max_length=10,
        choices=[(state.value, state.value.capitalize()) for state in live_clock.State],
        default=live_clock.State.READY,
    )
    is_rehearsal = models.BooleanField(default=False)
    segment = models.ForeignKey(
        Segment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    segment_started_at = models.DateTimeField(null=True, blank=True, validators=bounds.DATE)
    paused_at = models.DateTimeField(null=True, blank=True, validators=bounds.DATE)
    paused_ms = models.PositiveBigIntegerField(default=0, help_text="Paused so far, this segment.")
    added_ms = models.BigIntegerField(
        default=0,
        help_text="Time added (or removed) this segment.",
        validators=bounds.ADDED_MILLISECONDS,
    )
    show_started_at = models.DateTimeField(null=True, blank=True, validators=bounds.DATE)
    ended_at = models.DateTimeField(null=True, blank=True, validators=bounds.DATE)
    controller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    controller_since = models.DateTimeField(null=True, blank=True, validators=bounds.DATE)
    # The last command without a version, to tell a hardware button's repeat from a new press.
    last_action = models.CharField(max_length=20, blank=True)
    last_action_by = models.CharField(max_length=64, blank=True)
    last_action_at = models.DateTimeField(null=True, blank=True, validators=bounds.DATE)
    version = models.PositiveIntegerField(default=1, validators=bounds.COUNTER)
    updated_at = models.DateTimeField(auto_now=True)
    # The stream graphics (episodes/overlays.py): the question being asked now, the news item on
    # screen, and each graphic's mode ("auto", "in" or "out"), moved by the caller.
    asking = models.ForeignKey(
        "Question", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    news_item = models.ForeignKey(
        "NewsItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    graphics = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"{self.episode}: {self.get_state_display()}"


class SegmentRun(models.Model):
    """A segment's actual time on air (or in rehearsal): the planned-vs-actual record."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="segment_runs")
    segment = models.ForeignKey(Segment, on_delete=models.SET_NULL, null=True, related_name="runs")
    title = models.CharField(
        max_length=200, help_text="The segment's title when it ran.", validators=bounds.TEXT
    )
    planned_seconds = models.PositiveIntegerField(null=True, blank=True, validators=bounds.SECONDS)
    planned_max_seconds = models.PositiveIntegerField(
        null=True, blank=True, validators=bounds.SECONDS
    )
    is_rehearsal = models.BooleanField(default=False)
    started_at = models.DateTimeField(validators=bounds.DATE)
    ended_at = models.DateTimeField(null=True, blank=True, validators=bounds.DATE)
    paused_ms = models.PositiveBigIntegerField(default=0)
    added_ms = models.BigIntegerField(default=0, validators=bounds.ADDED_MILLISECONDS)

    class Meta:
        ordering = ["started_at", "pk"]
        indexes = [models.Index(fields=["episode", "is_rehearsal", "started_at"])]

    def __str__(self) -> str:
        return f"{self.title} at {self.started_at:%H:%M:%S}"

    @property
    def actual_ms(self) -> int | None:
        """Time on air, pauses left out; None while it is still running."""
        if self.ended_at is None:
            return None
        return int((self.ended_at - self.started_at).total_seconds() * 1000) - self.paused_ms


class LiveMessage(models.Model):
    """What the show caller tells the host (``appearance`` empty) or one guest, on air."""

    class Lasts(models.TextChoices):
        SEGMENT = "segment", "Until this segment ends"
        HALF_MINUTE = "30s", "30 seconds"
        MINUTE = "60s", "1 minute"
        UNTIL_CLEARED = "manual", "Until cleared"

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="live_messages")
    appearance = models.ForeignKey(
        Appearance, on_delete=models.CASCADE, null=True, blank=True, related_name="live_messages"
    )
    text = models.CharField(max_length=280, validators=bounds.TEXT)
    flash = models.BooleanField(default=False)
    created_at = models.DateTimeField(validators=bounds.DATE)
    cleared_at = models.DateTimeField(null=True, blank=True, validators=bounds.DATE)
    lasts = models.CharField(
        max_length=10,
        choices=Lasts.choices,
        default=Lasts.SEGMENT,
        help_text="A cue expires: when its segment ends (the default), after a while, or when "
        "cleared. A new run (rehearsal or show) starts with none.",
    )
    segment = models.ForeignKey(
        Segment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The segment on air when it was sent.",
    )
    expires_at = models.DateTimeField(null=True, blank=True, validators=bounds.DATE)
    read_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the host (or the guest) tapped “Got it”.",
        validators=bounds.DATE,
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.text


class CommandReceipt(models.Model):
    """A live command's request id (``Idempotency-Key``), kept for a few minutes so the same
    request sent twice (a retry, a bounced button that sends one) applies once."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    action = models.CharField(max_length=20)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["episode", "key"], name="one_receipt_per_request")
        ]
        indexes = [models.Index(fields=["episode", "created_at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.key}"


class ApiToken(models.Model):
    """A bearer token for the HTTP API (Stream Deck, Companion, scripts). Only its hash is
    kept: the token itself is shown once, when it is created."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True, validators=bounds.TEXT)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="The first characters, to tell tokens apart.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class Reminder(models.Model):
    """An email sent to a guest about an episode, so none is sent twice."""

    class Kind(models.TextChoices):
        LINK = "link", "Private link"
        DAY = "day", "24 hours before"
        HOUR = "hour", "1 hour before"
        CHANGES = "changes", "Changes"

    appearance = models.ForeignKey(Appearance, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    fingerprint = models.CharField(
        max_length=64, blank=True, help_text="What the guest had been told, when it was sent."
    )
    sent_at = models.DateTimeField(validators=bounds.DATE)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["appearance", "kind", "fingerprint"], name="one_reminder_each"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.appearance}"


class Screen(models.Model):
    """A browser showing the episode: a host view, a guest page, a studio clock, an overlay.

    Each screen names itself with an id it keeps in the browser and sends a heartbeat
    (:mod:`episodes.screens`); the show caller sees the list, names the screens and sends one
    of them a command, which its next heartbeat's answer carries. ``kind`` is a free string so
    new kinds of screen need no migration. ``principal`` is who opened it as the list shows it
    (a user name or a guest's name, never an email); ``principal_key`` says which account or
    guest link it was (``user:<pk>``, ``guest:<pk>``) and is part of the key, so a screen id
    sent through one account never reaches another's row.
    """

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="screens")
    screen_id = models.CharField(max_length=40, validators=bounds.TEXT)
    principal_key = models.CharField(max_length=40, validators=bounds.TEXT)
    kind = models.CharField(max_length=20, validators=bounds.TEXT)
    principal = models.CharField(max_length=150, validators=bounds.TEXT)
    name = models.CharField(max_length=60, blank=True, validators=bounds.TEXT)
    user_agent = models.CharField(max_length=60, blank=True, validators=bounds.TEXT)
    first_seen = models.DateTimeField(validators=bounds.DATE)
    last_seen = models.DateTimeField(validators=bounds.DATE)
    command = models.CharField(
        max_length=10, blank=True, help_text="Sent with the next heartbeat.", validators=bounds.TEXT
    )

    class Meta:
        ordering = ["first_seen", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "screen_id", "principal_key"], name="one_row_per_screen"
            )
        ]
        indexes = [models.Index(fields=["episode", "last_seen"], name="screens_recent")]

    def __str__(self) -> str:
        return f"{self.kind} screen of {self.principal}"
