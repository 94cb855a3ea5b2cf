"""The Django admin for speakers (staff only)."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from episodes.models import Appearance

from . import links
from .models import ProfileChange, Speaker


class AppearanceInline(admin.TabularInline):
    model = Appearance
    extra = 0
    fields = ["episode", "role", "notes"]
    raw_id_fields = ["episode"]


class ProfileChangeInline(admin.TabularInline):
    """What the guest changed on their own profile, newest first."""

    model = ProfileChange
    extra = 0
    fields = ["changed_at", "fields"]
    readonly_fields = ["changed_at", "fields"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "show", "is_group", "email", "pronouns", "time_zone", "updated_at"]
    list_filter = ["show", "is_group"]
    list_select_related = ["show"]
    search_fields = ["name", "email"]
    ordering = ["name"]
    readonly_fields = ["private_link"]
    inlines = [AppearanceInline, ProfileChangeInline]
    actions = ["new_links", "revoke_links"]

    def save_model(self, request: HttpRequest, obj: Speaker, form: Any, change: bool) -> None:
        # Only what this form changed: a link revoked meanwhile must stay revoked.
        if change:
            concrete = {f.name for f in Speaker._meta.concrete_fields}
            fields = [name for name in form.changed_data if name in concrete]
            obj.save(update_fields=[*fields, "updated_at"])
        else:
            obj.save()

    @admin.display(description="Private link")
    def private_link(self, speaker: Speaker) -> str:
        token = links.token_for(speaker) if speaker.pk else None
        if token is None:
            return "None: make one with the “New private link” action."
        url = links.absolute_url(speaker)
        return format_html('<a href="{}" rel="noreferrer">{}</a>', url, url)

    @admin.action(description="New private link (the old one stops working)")
    def new_links(self, request: HttpRequest, queryset: QuerySet[Speaker]) -> None:
        for speaker in queryset:
            links.regenerate(speaker, expires_at=speaker.link_expires_at)
        self.message_user(request, f"New links for {queryset.count()}.", messages.SUCCESS)

    @admin.action(description="Revoke private links")
    def revoke_links(self, request: HttpRequest, queryset: QuerySet[Speaker]) -> None:
        for speaker in queryset:
            links.revoke(speaker)
        self.message_user(request, f"Revoked the links of {queryset.count()}.", messages.SUCCESS)
