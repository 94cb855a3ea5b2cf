"""Setting a show up without the admin: a new show, its settings, its team, archiving.

Every view asks :mod:`showrunner.auth` first: settings, team and archiving need
``Action.MANAGE`` (the show's producers and staff); the invitation link is its own proof.
"""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm, UsernameField
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from showrunner.auth import Action, can, get_episode, get_show, may_create_shows, signed_in
from showrunner.timezones import time_zone_names

from .. import editing, team
from ..models import Episode, Invitation, Role, Show, ShowRole
from ..showforms import InviteForm, NewShowForm, OverlayLooksForm, RoleForm, ShowSettingsForm
from .overlays import looks_preview_url, overlay_links

# -- a new show ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def new_show(request: HttpRequest) -> HttpResponse:
    if not may_create_shows(request.user):
        raise PermissionDenied("Only staff create shows on this site.")
    form = NewShowForm(request.POST or None, initial={"time_zone": "UTC"})
    if request.method == "POST" and form.is_valid():
        show = team.create_show(
            form.cleaned_data["name"], form.cleaned_data["time_zone"], signed_in(request)
        )
        messages.success(request, f"{show.name} is set up, and you are its producer.")
        return redirect("episodes:show_settings", show.slug)
    return render(request, "episodes/new_show.html", {"form": form, "zones": time_zone_names()})


# -- settings ------------------------------------------------------------------------------------


def zone_label(name: str) -> str:
    return name.rsplit("/", 1)[-1].replace("_", " ")


def zone_examples(show: Show, new_zone: str, *, now: datetime, limit: int = 2) -> list[str]:
    """What a new time zone does to a few episodes: the same instant, other local times."""
    timed = show.episodes.filter(is_template=False, starts_at__isnull=False)
    episodes = list(timed.filter(starts_at__gte=now).order_by("starts_at")[:limit])
    if len(episodes) < limit:
        episodes += list(
            timed.filter(starts_at__lt=now).order_by("-starts_at")[: limit - len(episodes)]
        )
    old, new = show.zone, Show(time_zone=new_zone).zone
    examples = []
    for episode in episodes:
        assert episode.starts_at is not None  # only timed episodes were fetched
        before, after = episode.starts_at.astimezone(old), episode.starts_at.astimezone(new)
        name = f"Episode {episode.number}" if episode.number is not None else "A draft"
        day = "" if after.date() == before.date() else f"{after:%a %-d %b} "
        examples.append(
            f"{name}: {before:%a %-d %b %H:%M} {zone_label(show.time_zone)} → "
            f"{day}{after:%H:%M} {zone_label(new_zone)}"
        )
    return examples


@login_required
@require_http_methods(["GET", "POST"])
def show_settings(request: HttpRequest, slug: str) -> HttpResponse:
    show = get_show(request.user, slug, Action.MANAGE)
    form = ShowSettingsForm(request.POST or None, instance=Show.objects.get(pk=show.pk))
    confirm: list[str] = []
    if request.method == "POST" and form.is_valid():
        new_zone = form.cleaned_data["time_zone"]
        changes_zone = new_zone != show.time_zone
        timed = show.episodes.filter(is_template=False, starts_at__isnull=False).exists()
        if changes_zone and timed and request.POST.get("confirm_zone") != new_zone:
            confirm = zone_examples(show, new_zone, now=timezone.now())
        else:
            with transaction.atomic():
                saved = form.save()
                if changes_zone:
                    # Instants stay; the date an episode airs on is the local one, derived again.
                    for episode in Episode.everything.filter(show=saved, starts_at__isnull=False):
                        assert episode.starts_at is not None  # as filtered
                        Episode.everything.filter(pk=episode.pk).update(
                            air_date=episode.starts_at.astimezone(saved.zone).date()
                        )
            messages.success(request, f"Saved the settings of {saved.name}.")
            return redirect("episodes:show_settings", saved.slug)
    return settings_page(request, show, form, confirm=confirm)


def settings_page(
    request: HttpRequest,
    show: Show,
    form: ShowSettingsForm,
    looks_form: OverlayLooksForm | None = None,
    confirm: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    confirm = confirm or []
    return render(
        request,
        "episodes/show_settings.html",
        {
            "show": show,
            "form": form,
            "zones": form.zones,
            "overlay_links": overlay_links(request, show),
            "looks_form": looks_form or OverlayLooksForm(instance=show),
            "looks_preview_url": looks_preview_url(show),
            "confirm": confirm,
            "new_zone": form.cleaned_data.get("time_zone") if confirm else "",
            "new_zone_label": zone_label(form.cleaned_data.get("time_zone", "")) if confirm else "",
        },
        status=status,
    )


@login_required
@require_POST
def overlay_looks(request: HttpRequest, slug: str) -> HttpResponse:
    """The stream graphics' colours, font, size and side: saved, or the form again with what
    is wrong next to each field and what was typed kept."""
    show = get_show(request.user, slug, Action.MANAGE)
    looks_form = OverlayLooksForm(request.POST, instance=Show.objects.get(pk=show.pk))
    if looks_form.is_valid():
        looks_form.save()
        messages.success(
            request,
            "Saved how the stream graphics look: open overlays take it within half a minute.",
        )
        return redirect(f"{reverse('episodes:show_settings', args=[show.slug])}#looks")
    return settings_page(
        request, show, ShowSettingsForm(instance=show), looks_form=looks_form, status=422
    )


# -- the team ------------------------------------------------------------------------------------


def members_of(show: Show) -> list[tuple[object, list[ShowRole], list[tuple[str, str]]]]:
    """Each member of the team, their roles, and the roles they could have as well."""
    by_user: dict[int, tuple[object, list[ShowRole]]] = {}
    for show_role in (
        ShowRole.objects.filter(show=show).select_related("user").order_by("user__username", "pk")
    ):
        by_user.setdefault(show_role.user_id, (show_role.user, []))[1].append(show_role)
    return [
        (user, roles, [(v, label) for v, label in Role.choices if v not in {r.role for r in roles}])
        for user, roles in by_user.values()
    ]


def team_page(
    request: HttpRequest, show: Show, invite_form: InviteForm | None = None, status: int = 200
) -> HttpResponse:
    pending = Invitation.objects.filter(show=show, accepted_at__isnull=True).select_related(
        "invited_by"
    )
    return render(
        request,
        "episodes/team.html",
        {
            "show": show,
            "members": members_of(show),
            "pending": pending,
            "invite_form": invite_form or InviteForm(),
            "roles": Role.choices,
            "days": team.max_age().days,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def show_team(request: HttpRequest, slug: str) -> HttpResponse:
    return team_page(request, get_show(request.user, slug, Action.MANAGE))


@login_required
@require_POST
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    show = get_show(request.user, slug, Action.MANAGE)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return team_page(request, show, form, status=422)
    email, role = form.cleaned_data["email"], form.cleaned_data["role"]
    team.invite(show, email, role, signed_in(request), now=timezone.now())
    messages.success(request, f"Invited {email} as {Role(role).label.lower()}.")
    return redirect("episodes:show_team", show.slug)


@login_required
@require_POST
def withdraw_invitation(request: HttpRequest, slug: str, invitation_pk: int) -> HttpResponse:
    show = get_show(request.user, slug, Action.MANAGE)
    invitation = get_object_or_404(Invitation, pk=invitation_pk, show=show, accepted_at=None)
    invitation.delete()
    messages.success(
        request, f"Withdrew the invitation to {invitation.email}; its link no longer works."
    )
    return redirect("episodes:show_team", show.slug)


@login_required
@require_POST
def change_role(request: HttpRequest, slug: str, role_pk: int) -> HttpResponse:
    """Change one of a member's roles (``role``), or remove it (``action=remove``)."""
    show = get_show(request.user, slug, Action.MANAGE)
    show_role = get_object_or_404(
        ShowRole.objects.select_related("user", "show"), pk=role_pk, show=show
    )
    name = show_role.user.get_username()
    try:
        if request.POST.get("action") == "remove":
            team.remove_role(show_role)
            messages.success(
                request, f"{name} is no longer {show_role.get_role_display().lower()}."
            )
        else:
            form = RoleForm(request.POST)
            if not form.is_valid():
                messages.error(request, "Pick a role: producer, show caller or host.")
                return redirect("episodes:show_team", show.slug)
            team.change_role(show_role, form.cleaned_data["role"])
            messages.success(
                request, f"{name} is now {Role(form.cleaned_data['role']).label.lower()}."
            )
    except team.LastProducer as exc:
        messages.error(request, str(exc))
    # Someone who just gave up their own producer role goes where they still may.
    if can(request.user, show, Action.MANAGE):
        return redirect("episodes:show_team", show.slug)
    if can(request.user, show, Action.VIEW):
        return redirect("episodes:show_detail", show.slug)
    return redirect("episodes:home")


@login_required
@require_POST
def add_role(request: HttpRequest, slug: str, user_pk: int) -> HttpResponse:
    """Another role for someone already on this show's team."""
    show = get_show(request.user, slug, Action.MANAGE)
    member = get_object_or_404(get_user_model(), pk=user_pk, show_roles__show=show)
    form = RoleForm(request.POST)
    if form.is_valid():
        team.add_role(show, member, form.cleaned_data["role"])
        messages.success(
            request,
            f"{member.get_username()} is also {Role(form.cleaned_data['role']).label.lower()}.",
        )
    else:
        messages.error(request, "Pick a role: producer, show caller or host.")
    return redirect("episodes:show_team", show.slug)


# -- accepting an invitation ---------------------------------------------------------------------


class AccountForm(UserCreationForm):
    """A new account from an invitation: username and password (the site's validators)."""

    # UserCreationForm.Meta spelled out (django-stubs do not declare it, so it cannot be
    # subclassed under mypy): the username goes through UsernameField, which normalises it.
    class Meta:
        model = get_user_model()
        fields = ("username",)
        field_classes = {"username": UsernameField}


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = team.invitation_for(token)
    if invitation is None:
        return render(request, "episodes/invitation_invalid.html", status=404)
    form = None
    if not request.user.is_authenticated:
        form = AccountForm(request.POST or None)
    if request.method == "POST":
        now = timezone.now()
        if request.user.is_authenticated:
            user = request.user
        elif form is not None and form.is_valid():
            with transaction.atomic():
                user = form.save(commit=False)
                user.email = invitation.email
                user.save()
        else:
            return render(
                request,
                "episodes/accept_invitation.html",
                {"invitation": invitation, "form": form},
                status=422,
            )
        if team.accept(invitation, user, now=now) is None:
            return render(request, "episodes/invitation_invalid.html", status=404)
        if not request.user.is_authenticated:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            f"Welcome to {invitation.show.name}: "
            f"you are its {invitation.get_role_display().lower()}.",
        )
        return redirect("episodes:show_detail", invitation.show.slug)
    return render(
        request, "episodes/accept_invitation.html", {"invitation": invitation, "form": form}
    )


# -- archiving a show ----------------------------------------------------------------------------


@login_required
@require_POST
def archive_show(request: HttpRequest, slug: str) -> HttpResponse:
    show = get_show(request.user, slug, Action.MANAGE)
    archive = request.POST.get("archive") != "no"
    Show.objects.filter(pk=show.pk).update(archived_at=timezone.now() if archive else None)
    if archive:
        messages.success(
            request, f"{show.name} is archived: off the home page, still here for its team."
        )
    else:
        messages.success(request, f"{show.name} is back on the home page.")
    return redirect("episodes:show_detail", show.slug)


# -- archiving and deleting an episode -----------------------------------------------------------


@login_required
@require_POST
def archive_episode(request: HttpRequest, pk: int) -> HttpResponse:
    episode = get_episode(request.user, pk, Action.EDIT)
    archive = request.POST.get("archive") != "no"
    editing.set_archived(episode, archive, now=timezone.now())
    if archive:
        messages.success(
            request,
            f"Archived {episode.label}: off the lists and the upcoming page, kept in reports.",
        )
        return redirect("episodes:show_detail", episode.show.slug)
    messages.success(request, f"{episode.label} is back on the lists.")
    return redirect("episodes:episode_runsheet", episode.pk)


@login_required
@require_POST
def delete_episode(request: HttpRequest, pk: int) -> HttpResponse:
    episode = get_episode(request.user, pk, Action.EDIT)
    try:
        editing.delete_episode(episode, editing.Actor(signed_in(request), timezone.now()))
    except editing.CannotUndo as exc:
        messages.error(request, f"Not deleted: {exc}")
        return redirect("episodes:episode_editor", episode.pk)
    messages.success(request, f"Deleted {episode.label}. You can undo this for five minutes.")
    return redirect("episodes:show_detail", episode.show.slug)


@login_required
@require_POST
def restore_episode(request: HttpRequest, slug: str, episode_pk: int) -> HttpResponse:
    show = get_show(request.user, slug, Action.EDIT)
    try:
        episode = editing.restore_episode(
            episode_pk, show, editing.Actor(signed_in(request), timezone.now())
        )
    except editing.CannotUndo as exc:
        messages.error(request, str(exc))
        return redirect("episodes:show_detail", show.slug)
    messages.success(request, f"Restored {episode.label}.")
    return redirect("episodes:episode_editor", episode.pk)
