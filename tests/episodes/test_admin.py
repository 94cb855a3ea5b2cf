"""The Django admin's pickers for a segment's owner and a question's guests."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from episodes.models import Appearance
from tests.factories import make_appearance, make_episode, make_segment, make_user

pytestmark = pytest.mark.django_db


def offered(page: Any) -> dict[str, set[Appearance]]:
    """The guests each owner or addressed-to picker on an admin page offers."""
    forms = [page.context["adminform"].form]
    forms += [inline.formset.empty_form for inline in page.context["inline_admin_formsets"]]
    return {
        name: set(form.fields[name].queryset)
        for form in forms
        for name in ("owner", "addressed_to")
        if name in form.fields
    }


def test_owner_and_addressed_to_offer_the_episodes_guests_only(client: Client) -> None:
    episode = make_episode()
    segment = make_segment(episode)
    guest = make_appearance(episode)
    make_appearance(make_episode(show=episode.show))  # another episode's guest
    client.force_login(make_user(is_staff=True, is_superuser=True))

    on_episode = client.get(reverse("admin:episodes_episode_change", args=[episode.pk]))
    on_segment = client.get(reverse("admin:episodes_segment_change", args=[segment.pk]))

    assert offered(on_episode) == {"owner": {guest}}
    assert offered(on_segment) == {"owner": {guest}, "addressed_to": {guest}}


def test_the_add_pages_offer_no_guests(client: Client) -> None:
    make_appearance(make_episode())
    client.force_login(make_user(is_staff=True, is_superuser=True))

    new_episode = client.get(reverse("admin:episodes_episode_add"))
    new_segment = client.get(reverse("admin:episodes_segment_add"))

    assert offered(new_episode) == {"owner": set()}
    assert offered(new_segment) == {"owner": set(), "addressed_to": set()}
