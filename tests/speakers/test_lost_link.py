"""A guest asks for their link again; a team member resets a forgotten password."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from episodes.models import Reminder
from speakers import links, lost_link
from tests.factories import make_appearance, make_episode, make_show, make_speaker, make_user

pytestmark = pytest.mark.django_db

SAME_ANSWER = "If we know that address, we've sent the link."


def ask(client: Client, email: str) -> object:
    return client.post(reverse("speakers:guest_lost_link"), {"email": email})


def test_a_known_address_gets_each_of_its_speakers_links() -> None:
    show, other = make_show(name="Widget Hour"), make_show(name="Gadget Talk")
    dana = make_speaker(name="Dana Li", email="dana@example.org", show=show)
    again = make_speaker(name="Dana Li", email="DANA@example.org", show=other)
    appearance = make_appearance(
        make_episode(show=show, starts_at=timezone.now() + timedelta(days=3)), dana
    )

    response = ask(Client(), "Dana@Example.org")

    assert SAME_ANSWER in response.content.decode()
    assert sorted(m.subject for m in mail.outbox) == [
        "Your page for Gadget Talk",
        f"Your page for Widget Hour #{appearance.episode.number}: An episode",
    ]
    dana.refresh_from_db()
    again.refresh_from_db()
    bodies = "\n".join(m.body for m in mail.outbox)
    assert reverse("speakers:guest_portal", args=[links.token_for(dana)]) in bodies
    assert (
        reverse("speakers:guest_portal", args=[links.token_for(again)]) in bodies
    )  # made for them
    assert Reminder.objects.filter(appearance=appearance, kind=Reminder.Kind.LINK).exists()


def test_an_unknown_address_gets_the_same_answer_and_no_email() -> None:
    make_speaker(name="Dana Li", email="dana@example.org", show=make_show())

    response = ask(Client(), "nobody@example.org")

    assert response.status_code == 200
    assert SAME_ANSWER in response.content.decode()
    assert mail.outbox == []


def test_an_expired_link_is_not_renewed_the_guest_is_told_whom_to_ask() -> None:
    show = make_show(name="Widget Hour", contact_name="Pat", contact_email="pat@example.org")
    dana = make_speaker(name="Dana Li", email="dana@example.org", show=show)
    links.regenerate(dana, expires_at=timezone.now() - timedelta(days=1))

    ask(Client(), "dana@example.org")

    assert len(mail.outbox) == 1
    assert "Ask Pat (pat@example.org) for a new one." in mail.outbox[0].body
    assert "/guest/" not in mail.outbox[0].body


def test_the_answer_waits_the_same_floor_for_any_address(
    settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.SHOWRUNNER_LINK_REQUEST_SECONDS = 5.0  # type: ignore[attr-defined]
    waits: list[float] = []
    monkeypatch.setattr(lost_link.time, "sleep", waits.append)
    make_speaker(name="Dana Li", email="dana@example.org", show=make_show())

    ask(Client(), "dana@example.org")
    ask(Client(), "nobody@example.org")

    assert len(waits) == 2
    assert all(4.0 < wait <= 5.0 for wait in waits)


def test_asking_is_throttled_per_client_and_per_address(settings: object) -> None:
    settings.SHOWRUNNER_THROTTLE_EMAILS = "2/h"  # type: ignore[attr-defined]
    make_speaker(name="Dana Li", email="dana@example.org", show=make_show())
    client = Client()

    answers = [ask(client, f"someone{n}@example.org").status_code for n in range(3)]
    other_client = Client(REMOTE_ADDR="198.51.100.7")
    for_dana = [ask(other_client, "dana@example.org").status_code for _ in range(3)]

    assert answers == [200, 200, 429]
    assert for_dana == [200, 200, 429]
    assert len(mail.outbox) == 2


def test_the_invalid_link_page_offers_to_send_the_link() -> None:
    response = Client().get(reverse("speakers:guest_portal", args=["1-nope"]))

    assert reverse("speakers:guest_lost_link") in response.content.decode()


# -- password reset ------------------------------------------------------------------------------


def test_a_password_reset_emails_a_link_that_sets_a_new_password(settings: object) -> None:
    settings.SHOWRUNNER_BASE_URL = "https://shows.example.org"  # type: ignore[attr-defined]
    user = make_user(username="pat", email="pat@example.org")
    client = Client()

    sent = client.post(reverse("password_reset"), {"email": "pat@example.org"})

    assert sent.status_code == 302
    assert len(mail.outbox) == 1
    found = re.search(r"https://shows\.example\.org(/accounts/reset/\S+/)", mail.outbox[0].body)
    assert found, mail.outbox[0].body
    form = client.get(found.group(1), follow=True)
    assert "Choose a new password" in form.content.decode()
    changed = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-new-long-phrase", "new_password2": "a-new-long-phrase"},
    )
    assert changed.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-new-long-phrase")


def test_a_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same() -> None:
    response = Client().post(reverse("password_reset"), {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_password_resets_are_throttled(settings: object) -> None:
    settings.SHOWRUNNER_THROTTLE_EMAILS = "2/h"  # type: ignore[attr-defined]
    make_user(username="pat", email="pat@example.org")
    client = Client()

    answers = [
        client.post(reverse("password_reset"), {"email": "pat@example.org"}).status_code
        for _ in range(3)
    ]

    assert answers == [302, 302, 429]
    assert len(mail.outbox) == 2


def test_the_login_page_links_to_the_password_reset() -> None:
    assert reverse("password_reset") in Client().get(reverse("login")).content.decode()
