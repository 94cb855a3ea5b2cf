"""A speaker belongs to one show: the migration that split the shared speakers, and copying a
person from one show to another explicitly."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from episodes.models import Appearance, Role
from speakers import links
from speakers.models import ProfileChange, Speaker
from tests.factories import make_appearance, make_episode, make_show, make_speaker, make_user

BEFORE = [("speakers", "0002_add_guest_links_and_profile_changes")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_copies_a_shared_speaker_into_each_show_they_appear_on() -> None:
    executor = MigrationExecutor(connection)
    old = executor.migrate(BEFORE).apps
    show_model, episode_model = (
        old.get_model("episodes", "Show"),
        old.get_model("episodes", "Episode"),
    )
    speaker_model = old.get_model("speakers", "Speaker")
    appearance_model = old.get_model("episodes", "Appearance")
    first = show_model.objects.create(name="First", slug="first")
    second = show_model.objects.create(name="Second", slug="second")
    one = episode_model.objects.create(show=first, number=1, target_seconds=60)
    two = episode_model.objects.create(show=second, number=1, target_seconds=60)
    three = episode_model.objects.create(show=second, number=2, target_seconds=60)
    shared = speaker_model.objects.create(
        name="Dana Li", email="dana@example.org", bio="Bio.", link_secret="old-secret"
    )
    alone = speaker_model.objects.create(name="Nobody Yet")
    for episode in (one, two, three):
        appearance_model.objects.create(episode=episode, speaker=shared)
    old.get_model("speakers", "ProfileChange").objects.create(
        speaker=shared, changed_at=timezone.now(), fields={"bio": ["", "Bio."]}
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    original = Speaker.objects.get(pk=shared.pk)
    copy = Speaker.objects.exclude(pk__in=[shared.pk, alone.pk]).get()
    assert (original.show.slug, copy.show.slug) == ("first", "second")
    assert (copy.name, copy.email, copy.bio) == ("Dana Li", "dana@example.org", "Bio.")
    assert original.link_secret == "old-secret"  # the link the guest has keeps its own show
    assert copy.link_secret not in ("", "old-secret")  # the other show's link is its own
    assert set(Appearance.objects.filter(speaker=copy).values_list("episode_id", flat=True)) == {
        two.pk,
        three.pk,
    }
    assert ProfileChange.objects.filter(speaker=copy).count() == 1
    assert Speaker.objects.get(pk=alone.pk).show is None


@pytest.mark.django_db
def test_a_producer_of_both_shows_copies_a_person_across_without_their_link() -> None:
    home, other = make_show(name="Home"), make_show(name="Other")
    dana = make_speaker(name="Dana Li", email="dana@example.org", pronouns="she/her", show=other)
    make_appearance(make_episode(show=other), dana)
    link = links.ensure_link(dana)
    episode = make_episode(show=home)
    producer = make_user((home, Role.PRODUCER), (other, Role.PRODUCER))
    client = Client()
    client.force_login(producer)

    found = client.get(reverse("episodes:search_speakers", args=[episode.pk]), {"q": "dana"})
    client.post(
        reverse("episodes:add_guest", args=[episode.pk]),
        {"copy": dana.pk, "layout_version": episode.layout_version},
        HTTP_HX_REQUEST="true",
    )

    assert "Copy Dana Li from Other" in found.content.decode()
    copy = episode.appearances.get().speaker
    assert copy.pk != dana.pk
    assert (copy.show, copy.name, copy.email, copy.pronouns) == (
        home,
        "Dana Li",
        "dana@example.org",
        "she/her",
    )
    assert copy.link_secret == ""
    assert links.speaker_for(link, now=timezone.now()) == dana


@pytest.mark.django_db
def test_a_producer_of_one_show_cannot_copy_from_a_show_they_only_host() -> None:
    home, other = make_show(), make_show()
    dana = make_speaker(name="Dana Li", show=other)
    episode = make_episode(show=home)
    producer = make_user((home, Role.PRODUCER), (other, Role.HOST))
    client = Client()
    client.force_login(producer)

    found = client.get(reverse("episodes:search_speakers", args=[episode.pk]), {"q": "dana"})
    added = client.post(
        reverse("episodes:add_guest", args=[episode.pk]), {"copy": dana.pk}, HTTP_HX_REQUEST="true"
    )

    assert "Dana Li" not in found.content.decode().replace("“dana”", "")
    assert added.status_code == 404
    assert not episode.appearances.exists()


@pytest.mark.django_db
def test_an_appearance_never_joins_an_episode_to_another_shows_speaker() -> None:
    from django.core.exceptions import ValidationError

    dana = make_speaker(name="Dana Li", show=make_show())

    with pytest.raises(ValidationError):
        make_appearance(make_episode(), dana)
