"""Setting a show up without the admin: a new show, its settings, its team, invitations."""

import re
from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from episodes import live_screens, stream_access, team
from episodes.models import Episode, Invitation, Role, Show, ShowRole
from tests.factories import make_episode, make_show, make_user

pytestmark = pytest.mark.django_db


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def settings_data(show: Show, **changes: object) -> dict[str, object]:
    data = {
        "name": show.name,
        "time_zone": show.time_zone,
        "default_minutes": show.default_target_seconds // 60,
        "warning_seconds": show.warning_seconds,
        "danger_seconds": show.danger_seconds,
        "call_minutes": show.call_minutes,
        "contact_name": show.contact_name,
        "contact_email": show.contact_email,
    }
    return {**data, **changes}


# -- a new show ----------------------------------------------------------------------------------


def test_new_show_makes_its_creator_its_producer(settings: object) -> None:
    settings.SHOWRUNNER_ANYONE_CREATES_SHOWS = True  # type: ignore[attr-defined]
    user = make_user()

    response = client_for(user).post(
        reverse("episodes:new_show"), {"name": "  Widget   Hour ", "time_zone": "America/New_York"}
    )

    show = Show.objects.get(name="Widget Hour")
    assert response.status_code == 302
    assert response["Location"] == reverse("episodes:show_settings", args=[show.slug])
    assert show.slug == "widget-hour"
    assert show.time_zone == "America/New_York"
    assert list(ShowRole.objects.filter(show=show).values_list("user", "role")) == [
        (user.pk, Role.PRODUCER)
    ]


def test_new_show_refused_where_only_staff_create_shows(settings: object) -> None:
    settings.SHOWRUNNER_ANYONE_CREATES_SHOWS = False  # type: ignore[attr-defined]
    staff = make_user(is_staff=True)

    refused = client_for(make_user()).post(
        reverse("episodes:new_show"), {"name": "X", "time_zone": "UTC"}
    )
    allowed = client_for(staff).post(
        reverse("episodes:new_show"), {"name": "Y", "time_zone": "UTC"}
    )

    assert refused.status_code == 403
    assert allowed.status_code == 302
    assert list(Show.objects.values_list("name", flat=True)) == ["Y"]


def test_new_show_with_an_unknown_time_zone_says_so() -> None:
    response = client_for(make_user()).post(
        reverse("episodes:new_show"), {"name": "X", "time_zone": "Mars/Olympus"}
    )

    assert response.status_code == 200
    assert "Mars/Olympus is not a known time zone" in response.content.decode()
    assert not Show.objects.exists()


def test_new_show_slug_never_takes_the_new_show_address() -> None:
    assert team.free_slug("New") == "new-2"


# -- settings ------------------------------------------------------------------------------------


def test_settings_save_every_field() -> None:
    show = make_show(time_zone="Europe/Berlin")
    producer = make_user((show, Role.PRODUCER))

    response = client_for(producer).post(
        reverse("episodes:show_settings", args=[show.slug]),
        settings_data(
            show,
            name="Renamed",
            default_minutes=45,
            warning_seconds=90,
            danger_seconds=30,
            call_minutes=20,
            contact_name="Pat",
            contact_email="pat@example.org",
            upcoming_public="on",
        ),
    )

    show.refresh_from_db()
    assert response.status_code == 302
    assert (show.name, show.default_target_seconds, show.warning_seconds) == ("Renamed", 2700, 90)
    assert (show.danger_seconds, show.call_minutes, show.contact_email) == (
        30,
        20,
        "pat@example.org",
    )
    assert show.upcoming_public is True


def test_settings_refuse_danger_before_warning() -> None:
    show = make_show()
    producer = make_user((show, Role.PRODUCER))

    response = client_for(producer).post(
        reverse("episodes:show_settings", args=[show.slug]),
        settings_data(show, warning_seconds=60, danger_seconds=120),
    )

    assert response.status_code == 200
    assert "give at most 60 seconds" in response.content.decode()
    show.refresh_from_db()
    assert show.danger_seconds == 60


def test_changing_the_time_zone_shows_what_it_does_before_saving() -> None:
    show = make_show(time_zone="Europe/Berlin")
    make_episode(show=show, number=42, starts_at=datetime(2030, 3, 5, 18, 0, tzinfo=UTC))
    producer = make_user((show, Role.PRODUCER))
    client = client_for(producer)
    url = reverse("episodes:show_settings", args=[show.slug])

    asked = client.post(url, settings_data(show, time_zone="America/New_York"))

    text = asked.content.decode()
    assert "Episode 42: Tue 5 Mar 19:00 Berlin → 13:00 New York" in text
    assert "Change to New York time and save" in text
    show.refresh_from_db()
    assert show.time_zone == "Europe/Berlin"

    confirmed = client.post(
        url, settings_data(show, time_zone="America/New_York", confirm_zone="America/New_York")
    )

    show.refresh_from_db()
    assert confirmed.status_code == 302
    assert show.time_zone == "America/New_York"
    assert Episode.objects.get(number=42).starts_at == datetime(2030, 3, 5, 18, 0, tzinfo=UTC)


def test_a_new_time_zone_moves_the_local_air_date() -> None:
    show = make_show(time_zone="Europe/Berlin")
    episode = make_episode(show=show, number=7, starts_at=datetime(2030, 3, 5, 0, 30, tzinfo=UTC))
    producer = make_user((show, Role.PRODUCER))
    data = settings_data(show, time_zone="America/New_York", confirm_zone="America/New_York")

    client_for(producer).post(reverse("episodes:show_settings", args=[show.slug]), data)

    episode.refresh_from_db()
    assert str(episode.air_date) == "2030-03-04"  # 19:30 the evening before, in New York


def test_settings_are_for_producers_only() -> None:
    show = make_show()
    caller = make_user((show, Role.SHOW_CALLER))

    response = client_for(caller).post(
        reverse("episodes:show_settings", args=[show.slug]), settings_data(show, name="Mine")
    )

    assert response.status_code == 403
    show.refresh_from_db()
    assert show.name != "Mine"


# -- invitations ---------------------------------------------------------------------------------


def invite(client: Client, show: Show, email: str, role: str) -> str:
    client.post(reverse("episodes:invite", args=[show.slug]), {"email": email, "role": role})
    message = mail.outbox[-1]
    assert message.to == [email]
    found = re.search(r"https?://\S+(/invitations/\S+/)", message.body)
    assert found, message.body
    return found.group(1)


def test_an_invitation_makes_an_account_with_the_role() -> None:
    show = make_show(name="Widget Hour")
    producer = make_user((show, Role.PRODUCER), username="pat")
    link = invite(client_for(producer), show, "sam@example.org", Role.SHOW_CALLER)
    guest = Client()

    assert "pat invites you to be show caller of Widget Hour" in mail.outbox[-1].body
    assert mail.outbox[-1].subject == "Join Widget Hour as show caller"
    page = guest.get(link)
    weak = guest.post(link, {"username": "sam", "password1": "12345678", "password2": "12345678"})
    joined = guest.post(
        link,
        {"username": "sam", "password1": "a-fine-passphrase", "password2": "a-fine-passphrase"},
    )

    assert "Create my account and join" in page.content.decode()
    assert weak.status_code == 422
    assert "This password is too common." in weak.content.decode()
    assert joined.status_code == 302
    sam = get_user_model().objects.get(username="sam")
    assert sam.email == "sam@example.org"
    assert ShowRole.objects.filter(show=show, user=sam, role=Role.SHOW_CALLER).exists()
    assert guest.get(reverse("episodes:show_detail", args=[show.slug])).status_code == 200


def test_an_invitation_adds_the_role_to_the_account_logged_in() -> None:
    show = make_show()
    producer = make_user((show, Role.PRODUCER))
    existing = make_user()
    link = invite(client_for(producer), show, "someone@example.org", Role.HOST)

    response = client_for(existing).post(link)

    assert response.status_code == 302
    assert ShowRole.objects.filter(show=show, user=existing, role=Role.HOST).exists()


def test_an_invitation_works_once() -> None:
    show = make_show()
    link = invite(client_for(make_user((show, Role.PRODUCER))), show, "a@example.org", Role.HOST)
    first, second = make_user(), make_user()

    client_for(first).post(link)
    again = client_for(second).post(link)

    assert again.status_code == 404
    assert not ShowRole.objects.filter(show=show, user=second).exists()


def test_an_expired_or_withdrawn_or_forged_invitation_does_not_work(settings: object) -> None:
    show = make_show()
    producer = make_user((show, Role.PRODUCER))
    client = client_for(producer)
    link = invite(client, show, "late@example.org", Role.HOST)
    withdrawn = invite(client, show, "gone@example.org", Role.HOST)
    client.post(
        reverse(
            "episodes:withdraw_invitation",
            args=[show.slug, Invitation.objects.get(email="gone@example.org").pk],
        )
    )
    settings.SHOWRUNNER_INVITATION_DAYS = 0  # type: ignore[attr-defined]
    user = make_user()

    expired = client_for(user).post(link)
    settings.SHOWRUNNER_INVITATION_DAYS = 7  # type: ignore[attr-defined]
    gone = client_for(user).post(withdrawn)
    forged = client_for(user).post(link[:-3] + "xyz/")

    assert (expired.status_code, gone.status_code, forged.status_code) == (404, 404, 404)
    assert "This invitation does not work" in expired.content.decode()
    assert not ShowRole.objects.filter(show=show, user=user).exists()


def test_an_invalid_email_is_said_next_to_the_field() -> None:
    show = make_show()
    response = client_for(make_user((show, Role.PRODUCER))).post(
        reverse("episodes:invite", args=[show.slug]), {"email": "not an address", "role": Role.HOST}
    )

    assert response.status_code == 422
    assert "Enter a valid email address." in response.content.decode()
    assert mail.outbox == []


# -- roles ---------------------------------------------------------------------------------------


def test_the_last_producer_cannot_step_down() -> None:
    show = make_show(name="Widget Hour")
    producer = make_user((show, Role.PRODUCER))
    own = ShowRole.objects.get(user=producer)
    client = client_for(producer)
    url = reverse("episodes:change_role", args=[show.slug, own.pk])

    demoted = client.post(url, {"role": Role.HOST}, follow=True)
    removed = client.post(url, {"action": "remove"}, follow=True)

    message = "Widget Hour needs a producer: make someone else its producer first"
    assert message in demoted.content.decode()
    assert message in removed.content.decode()
    assert ShowRole.objects.get(pk=own.pk).role == Role.PRODUCER


def test_handing_producer_over_lets_the_old_one_step_down() -> None:
    show = make_show()
    producer = make_user((show, Role.PRODUCER))
    caller = make_user((show, Role.SHOW_CALLER))
    client = client_for(producer)

    client.post(
        reverse("episodes:change_role", args=[show.slug, ShowRole.objects.get(user=caller).pk]),
        {"role": Role.PRODUCER},
    )
    client.post(
        reverse("episodes:change_role", args=[show.slug, ShowRole.objects.get(user=producer).pk]),
        {"role": Role.HOST},
    )

    assert dict(ShowRole.objects.filter(show=show).values_list("user", "role")) == {
        caller.pk: Role.PRODUCER,
        producer.pk: Role.HOST,
    }


def test_a_removed_role_ends_access_at_once() -> None:
    show = make_show()
    episode = make_episode(show=show)
    producer = make_user((show, Role.PRODUCER))
    host = make_user((show, Role.HOST))
    host_client = client_for(host)
    stream = (episode.pk, live_screens.TEAM, stream_access.for_user(host))
    assert (
        host_client.get(reverse("episodes:episode_runsheet", args=[episode.pk])).status_code == 200
    )
    assert stream_access.allowed([stream], now=timezone.now()) == {stream}

    client_for(producer).post(
        reverse("episodes:change_role", args=[show.slug, ShowRole.objects.get(user=host).pk]),
        {"action": "remove"},
    )

    assert (
        host_client.get(reverse("episodes:episode_runsheet", args=[episode.pk])).status_code == 403
    )
    assert stream_access.allowed([stream], now=timezone.now()) == set()


def test_another_role_only_for_someone_on_the_team() -> None:
    show = make_show()
    producer = make_user((show, Role.PRODUCER))
    host = make_user((show, Role.HOST))
    stranger = make_user()
    client = client_for(producer)

    client.post(reverse("episodes:add_role", args=[show.slug, host.pk]), {"role": Role.SHOW_CALLER})
    refused = client.post(
        reverse("episodes:add_role", args=[show.slug, stranger.pk]), {"role": Role.HOST}
    )

    assert set(ShowRole.objects.filter(user=host).values_list("role", flat=True)) == {
        Role.HOST,
        Role.SHOW_CALLER,
    }
    assert refused.status_code == 404
    assert not ShowRole.objects.filter(user=stranger).exists()


def test_the_team_page_lists_roles_and_pending_invitations() -> None:
    show = make_show()
    producer = make_user((show, Role.PRODUCER), username="pat")
    make_user((show, Role.HOST), username="hana")
    client = client_for(producer)
    invite(client, show, "new@example.org", Role.SHOW_CALLER)

    text = client.get(reverse("episodes:show_team", args=[show.slug])).content.decode()

    assert "hana" in text
    assert "pat" in text
    assert "new@example.org as show caller" in text


def test_a_producer_who_steps_down_lands_on_the_show_page() -> None:
    show = make_show()
    producer = make_user((show, Role.PRODUCER))
    make_user((show, Role.PRODUCER))

    response = client_for(producer).post(
        reverse("episodes:change_role", args=[show.slug, ShowRole.objects.get(user=producer).pk]),
        {"role": Role.HOST},
    )

    assert response["Location"] == reverse("episodes:show_detail", args=[show.slug])
