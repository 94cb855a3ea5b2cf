"""Who may do what on which show: the one place that decides access.

Roles are granted per show (:class:`episodes.models.ShowRole`), so a person can produce one show
and host another. Staff may do everything everywhere. Views ask through :func:`get_episode` and
:func:`require`, never by reading roles themselves.
"""

from enum import StrEnum

from django.conf import settings
from django.contrib.auth import models as auth_models
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from episodes.models import Episode, Role, Show, ShowRole

User = auth_models.User | AnonymousUser


class Action(StrEnum):
    VIEW = "view"  # see the show's episodes and run-sheets
    EDIT = "edit"  # plan episodes: segments, questions, guests, news, imports
    CALL = "call"  # drive the live show
    MANAGE = "manage"  # set the show up: its settings, its team, archiving it


ALLOWED: dict[Action, frozenset[str]] = {
    Action.VIEW: frozenset({Role.PRODUCER, Role.SHOW_CALLER, Role.HOST}),
    Action.EDIT: frozenset({Role.PRODUCER}),
    Action.CALL: frozenset({Role.PRODUCER, Role.SHOW_CALLER}),
    Action.MANAGE: frozenset({Role.PRODUCER}),
}


def is_staff(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and getattr(user, "is_staff", False))


def roles_on(user: User, show: Show) -> set[str]:
    if not user.is_authenticated or not user.is_active:
        return set()
    return set(show.roles.filter(user=user).order_by().values_list("role", flat=True))


def can(user: User, show: Show, action: Action) -> bool:
    if is_staff(user):
        return True
    return bool(roles_on(user, show) & ALLOWED[action])


def require(user: User, show: Show, action: Action) -> None:
    if not can(user, show, action):
        raise PermissionDenied(f"You cannot {action} {show.name}.")


def shows_for(user: User, action: Action) -> QuerySet[Show]:
    """The shows on which ``user`` may do ``action`` (staff: every show)."""
    if is_staff(user):
        return Show.objects.all()
    if not user.is_authenticated or not user.is_active:
        return Show.objects.none()
    return Show.objects.filter(
        pk__in=ShowRole.objects.filter(user=user, role__in=ALLOWED[action]).values("show_id")
    )


def visible_shows(user: User) -> QuerySet[Show]:
    return shows_for(user, Action.VIEW)


def get_episode(
    user: User,
    pk: int,
    action: Action = Action.VIEW,
    queryset: QuerySet[Episode] | None = None,
) -> Episode:
    """The episode, if ``user`` may do ``action`` on its show: 404 if missing, 403 if not."""
    if queryset is None:
        queryset = Episode.objects.all()
    episode = get_object_or_404(queryset.select_related("show"), pk=pk)
    require(user, episode.show, action)
    return episode


def get_show(user: User, slug: str, action: Action = Action.VIEW) -> Show:
    show = get_object_or_404(Show, slug=slug)
    require(user, show, action)
    return show


def may_create_shows(user: User) -> bool:
    """Staff always; anyone logged in where the site allows it (SHOWRUNNER_ANYONE_CREATES_SHOWS)."""
    if is_staff(user):
        return True
    return bool(
        user.is_authenticated and user.is_active and settings.SHOWRUNNER_ANYONE_CREATES_SHOWS
    )


def signed_in(request: HttpRequest) -> auth_models.User:
    """The person behind a request that ``login_required`` let through (refused otherwise)."""
    user = request.user
    if not isinstance(user, auth_models.User) or not user.is_active:
        raise PermissionDenied("Sign in to do this.")
    return user
