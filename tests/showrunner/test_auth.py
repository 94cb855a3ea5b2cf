"""Roles per show decide who may view, edit and call a show."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from episodes.models import Role
from showrunner.auth import Action, can, get_episode, visible_shows
from tests.factories import make_episode, make_show, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "view", "edit", "call", "manage"),
    [
        (Role.PRODUCER, True, True, True, True),
        (Role.SHOW_CALLER, True, False, True, False),
        (Role.HOST, True, False, False, False),
    ],
)
def test_each_role_allows_its_actions(
    role: str, view: bool, edit: bool, call: bool, manage: bool
) -> None:
    show = make_show()
    user = make_user((show, role))

    assert [can(user, show, action) for action in Action] == [view, edit, call, manage]


def test_roles_are_per_show() -> None:
    produced, hosted = make_show(), make_show()
    user = make_user((produced, Role.PRODUCER), (hosted, Role.HOST))

    assert can(user, produced, Action.EDIT)
    assert not can(user, hosted, Action.EDIT)
    assert can(user, hosted, Action.VIEW)
    assert set(visible_shows(user)) == {produced, hosted}


def test_staff_may_do_everything_and_anonymous_nothing() -> None:
    show = make_show()

    assert all(can(make_user(is_staff=True), show, action) for action in Action)
    assert not any(can(AnonymousUser(), show, action) for action in Action)
    assert list(visible_shows(AnonymousUser())) == []


def test_inactive_users_lose_their_roles() -> None:
    show = make_show()
    user = make_user((show, Role.PRODUCER), is_active=False)

    assert not can(user, show, Action.VIEW)


def test_get_episode_refuses_or_finds() -> None:
    episode = make_episode()
    outsider = make_user((make_show(), Role.PRODUCER))
    producer = make_user((episode.show, Role.PRODUCER))

    with pytest.raises(PermissionDenied):
        get_episode(outsider, episode.pk)
    with pytest.raises(Http404):
        get_episode(producer, episode.pk + 1000)
    assert get_episode(producer, episode.pk, Action.EDIT) == episode
