"""The Django admin for shows, episodes and their parts (staff only)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from .models import (
    ApiToken,
    Appearance,
    Change,
    Episode,
    LiveMessage,
    LiveState,
    NewsItem,
    Question,
    Reminder,
    Segment,
    SegmentRun,
    Show,
    ShowRole,
    new_feed_secret,
)


def _object_id(request: HttpRequest) -> str | None:
    """The primary key in an admin change page's URL; None on the add page."""
    match = request.resolver_match
    if match is None:
        return None
    object_id: str | None = match.kwargs.get("object_id")
    return object_id


def _owners_of_segment(request: HttpRequest) -> QuerySet[Appearance]:
    """The appearances a segment's owner or question may name: those on its episode.

    Empty on the add page, where there is no segment yet (as filtering on pk=None was).
    """
    object_id = _object_id(request)
    if object_id is None:
        return Appearance.objects.none()
    segment = Segment.objects.filter(pk=object_id)
    return Appearance.objects.filter(episode__segments__in=segment).select_related("speaker")


class CompactInline(admin.TabularInline):
    """Inline rows with two-line text areas, so a long run-sheet stays readable."""

    extra = 0
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}


class ShowRoleInline(admin.TabularInline):
    model = ShowRole
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Show)
class ShowAdmin(admin.ModelAdmin):
    list_display = [
        "name", "slug", "time_zone", "default_target_seconds", "upcoming_public", "episode_count",
    ]  # fmt: skip
    list_filter = ["upcoming_public"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ShowRoleInline]
    actions = ["new_feed_key"]

    @admin.action(description="Revoke the calendar feed addresses handed out (team-only shows)")
    def new_feed_key(self, request: HttpRequest, queryset: QuerySet[Show]) -> None:
        for show in queryset:
            show.feed_secret = new_feed_secret()
            show.save(update_fields=["feed_secret"])
        self.message_user(
            request, f"New calendar feed addresses for {queryset.count()} show(s); old ones stop."
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Show]:
        return super().get_queryset(request).annotate(episode_total=Count("episodes"))

    @admin.display(description="Episodes", ordering="episode_total")
    def episode_count(self, show: Show) -> int:
        return show.episode_total  # type: ignore[attr-defined]


@admin.register(ShowRole)
class ShowRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "show", "role"]
    list_filter = ["role", "show"]
    search_fields = ["user__username", "user__email", "show__name"]
    autocomplete_fields = ["user", "show"]


class SegmentInline(CompactInline):
    model = Segment
    extra = 0
    fields = ["position", "title", "kind", "planned_seconds", "planned_max_seconds", "owner"]
    ordering = ["position"]
    show_change_link = True

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField | None:
        if db_field.name == "owner":
            episode_id = _object_id(request)
            if episode_id is None:  # the add page: no episode, so no guests yet
                kwargs["queryset"] = Appearance.objects.none()
            else:
                kwargs["queryset"] = Appearance.objects.filter(
                    episode_id=episode_id
                ).select_related("speaker")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class NewsItemInline(CompactInline):
    model = NewsItem
    extra = 0
    fields = ["position", "title", "url", "notes"]
    ordering = ["position"]


class AppearanceInline(CompactInline):
    model = Appearance
    extra = 0
    fields = ["speaker", "role", "notes"]
    autocomplete_fields = ["speaker"]


@admin.register(Episode)
class EpisodeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "show", "number", "air_date", "starts_at", "status"]
    list_filter = ["status", "show", ("air_date", admin.DateFieldListFilter)]
    list_select_related = ["show"]
    search_fields = ["title", "hook", "description", "show__name", "appearances__speaker__name"]
    date_hierarchy = "air_date"
    ordering = ["-air_date", "show", "-number"]
    inlines = [AppearanceInline, SegmentInline, NewsItemInline]
    fieldsets = [
        (None, {"fields": ["show", "number", "title", "status"]}),
        ("When", {"fields": ["air_date", "starts_at", "target_seconds", "call_minutes"]}),
        ("Content", {"fields": ["hook", "description", "recording_url", "join_url"]}),
    ]


class QuestionInline(CompactInline):
    model = Question
    extra = 0
    fields = ["position", "text", "addressed_to", "for_everyone", "status", "notes"]
    ordering = ["position"]

    def formfield_for_manytomany(
        self, db_field: models.ManyToManyField, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField | None:
        if db_field.name == "addressed_to":
            kwargs["queryset"] = _owners_of_segment(request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "episode",
        "position",
        "kind",
        "planned_seconds",
        "planned_max_seconds",
    ]
    list_filter = ["kind", "episode__show"]
    list_select_related = ["episode__show"]
    search_fields = ["title", "notes", "episode__title"]
    ordering = ["episode", "position"]
    inlines = [QuestionInline]
    raw_id_fields = ["episode"]

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField | None:
        if db_field.name == "owner":
            kwargs["queryset"] = _owners_of_segment(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "segment", "status", "for_everyone"]
    list_filter = ["status", "for_everyone", "segment__episode__show"]
    list_select_related = ["segment__episode__show"]
    search_fields = ["text", "notes", "addressed_to__speaker__name"]
    raw_id_fields = ["segment"]
    filter_horizontal = ["addressed_to"]


@admin.register(NewsItem)
class NewsItemAdmin(admin.ModelAdmin):
    list_display = ["__str__", "episode", "position", "url"]
    list_filter = ["episode__show"]
    list_select_related = ["episode__show"]
    search_fields = ["title", "url", "notes"]
    raw_id_fields = ["episode"]
    ordering = ["episode", "position"]


@admin.register(Appearance)
class AppearanceAdmin(admin.ModelAdmin):
    list_display = ["speaker", "episode", "role"]
    list_filter = ["role", "episode__show"]
    list_select_related = ["speaker", "episode__show"]
    search_fields = ["speaker__name", "episode__title"]
    autocomplete_fields = ["speaker"]
    raw_id_fields = ["episode"]


@admin.register(Change)
class ChangeAdmin(admin.ModelAdmin):
    list_display = ["description", "episode", "user", "created_at", "undone_at"]
    list_filter = ["action", "episode__show"]
    list_select_related = ["episode__show", "user"]
    search_fields = ["description"]
    readonly_fields = [
        "episode",
        "user",
        "created_at",
        "action",
        "description",
        "undo",
        "undone_at",
    ]


@admin.register(LiveState)
class LiveStateAdmin(admin.ModelAdmin):
    list_display = ["episode", "state", "is_rehearsal", "segment", "controller", "version"]
    list_filter = ["state", "is_rehearsal"]
    list_select_related = ["episode__show", "segment", "controller"]
    raw_id_fields = ["episode", "segment", "controller"]


@admin.register(SegmentRun)
class SegmentRunAdmin(admin.ModelAdmin):
    list_display = ["title", "episode", "is_rehearsal", "started_at", "ended_at"]
    list_filter = ["is_rehearsal", "episode__show"]
    list_select_related = ["episode__show"]
    raw_id_fields = ["episode", "segment"]
    ordering = ["-started_at"]


@admin.register(LiveMessage)
class LiveMessageAdmin(admin.ModelAdmin):
    list_display = ["text", "episode", "appearance", "flash", "created_at", "cleared_at"]
    list_select_related = ["episode__show", "appearance__speaker"]
    raw_id_fields = ["episode", "appearance"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "user", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username", "prefix"]
    readonly_fields = ["key_hash", "prefix", "created_at", "last_used_at"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tokens are made with manage.py create_api_token, which shows them once

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """The emails guests were sent: a record, so nothing here is edited by hand."""

    list_display = ["appearance", "kind", "sent_at"]
    list_filter = ["kind"]
    list_select_related = ["appearance__speaker", "appearance__episode__show"]
    search_fields = ["appearance__speaker__name", "appearance__episode__title"]
    readonly_fields = ["appearance", "kind", "fingerprint", "sent_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
