import pytest
from django.test import Client

from episodes.models import Role
from speakers import links
from tests.factories import make_appearance, make_episode, make_user

pytestmark = pytest.mark.django_db

TOO_BIG = str(2**63)  # SQLite cannot bind it; no database has a row with it


def test_an_id_too_big_for_any_database_is_not_found() -> None:
    """Found by fuzzing: a guest page with such an id answered with a server error."""
    episode = make_episode()
    token = links.ensure_link(make_appearance(episode).speaker)
    producer = Client()
    producer.force_login(make_user((episode.show, Role.PRODUCER)))

    guest_page = Client().get(f"/guest/{token}/episodes/{TOO_BIG}/")
    editor = producer.get(f"/episodes/{TOO_BIG}/edit/")

    assert (guest_page.status_code, editor.status_code) == (404, 404)
    assert producer.get(f"/episodes/{episode.pk}/edit/").status_code == 200
