"""A guest edits their own profile: fields checked, photos cleaned, changes recorded."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from episodes.models import Role
from speakers import links
from speakers.forms import ProfileForm
from speakers.models import ProfileChange, Speaker
from tests.factories import make_appearance, make_episode, make_speaker, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def speaker() -> Speaker:
    return make_speaker(name="Dana Li", email="dana@example.org", pronouns="she/her")


def profile_url(speaker: Speaker) -> str:
    return reverse("speakers:guest_profile", args=[links.ensure_link(speaker)])


def form(speaker: Speaker, **changes: object) -> dict[str, object]:
    return {
        "name": speaker.name,
        "pronouns": speaker.pronouns,
        "pronunciation": speaker.pronunciation,
        "bio": speaker.bio,
        "links": "\n".join(speaker.links),
        "time_zone": speaker.time_zone,
        **changes,
    }


def image_file(
    name: str = "me.png", size: tuple[int, int] = (800, 600), fmt: str = "PNG", **save: object
) -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, fmt, **save)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")


def test_saving_records_what_changed_from_what(client: Client, speaker: Speaker) -> None:
    response = client.post(
        profile_url(speaker),
        form(
            speaker,
            pronunciation="DAH-nah LEE",
            links="https://dana.example.org\n\nhttps://social.example.org/@dana",
        ),
    )
    assert response.status_code == 302
    speaker.refresh_from_db()
    assert speaker.pronunciation == "DAH-nah LEE"
    assert speaker.links == ["https://dana.example.org", "https://social.example.org/@dana"]
    change = ProfileChange.objects.get(speaker=speaker)
    assert change.fields == {
        "pronunciation": ["", "DAH-nah LEE"],
        "links": [[], ["https://dana.example.org", "https://social.example.org/@dana"]],
    }
    assert change.summary == "pronunciation, links"
    client.post(profile_url(speaker), form(speaker))  # nothing changed: nothing recorded
    assert ProfileChange.objects.filter(speaker=speaker).count() == 1


def test_a_bad_field_says_what_and_saves_nothing(client: Client, speaker: Speaker) -> None:
    response = client.post(
        profile_url(speaker),
        form(speaker, name="Dana L.", links="https://ok.example.org\njavascript:alert(1)"),
    )
    assert response.status_code == 200
    assert "Line 2 (“javascript:alert(1)”) is not a web address" in response.content.decode()
    speaker.refresh_from_db()
    assert speaker.name == "Dana Li"
    assert not ProfileChange.objects.exists()
    response = client.post(profile_url(speaker), form(speaker, name="", time_zone="Mars/Base"))
    page = response.content.decode()
    assert "This field is required." in page
    assert "Select a valid choice. Mars/Base is not one of the available choices." in page


def test_the_bio_is_markdown_shown_sanitised(client: Client, speaker: Speaker) -> None:
    bio = "I build **widgets**.<script>alert(1)</script> [site](javascript:alert(2))"
    client.post(profile_url(speaker), form(speaker, bio=bio))
    page = client.get(profile_url(speaker)).content.decode()
    assert "<strong>widgets</strong>" in page
    assert "<script>alert(1)" not in page
    assert "javascript:alert(2)" not in page.split("bio-preview")[1]


def test_a_photo_is_cropped_square_in_two_sizes_without_metadata(
    client: Client, speaker: Speaker
) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: the camera was turned; the picture is shown rotated
    exif[0x010F] = "SpyCam"  # make
    exif[0x8825] = {2: (52.0, 31.0, 0.0)}  # GPS latitude
    photo = image_file("me.jpg", (800, 600), "JPEG", exif=exif)
    response = client.post(profile_url(speaker), {**form(speaker), "photo": photo})
    assert response.status_code == 302
    speaker.refresh_from_db()
    for field, size in [("avatar", 512), ("avatar_small", 96)]:
        with getattr(speaker, field).open("rb") as stored:
            image = Image.open(stored)
            image.load()
        assert image.format == "JPEG"
        assert image.size == (size, size)
        assert not image.getexif()
        assert "exif" not in image.info
    assert list(ProfileChange.objects.get(speaker=speaker).fields) == ["avatar"]
    page = client.get(profile_url(speaker)).content.decode()
    assert speaker.avatar.url in page


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("notes.png", b"hello, not a picture", content_type="image/png"),
            "That file is not a picture we can read.",
        ),
        (
            SimpleUploadedFile(
                "big.jpg", b"\xff" * (5 * 1024 * 1024 + 1), content_type="image/jpeg"
            ),
            "That file is over 5 MB.",
        ),
        ("bomb", "That picture has too many pixels."),
        ("bmp", "Please upload a JPEG, PNG, GIF or WebP photo."),
        ("truncated", "That file is not a picture we can read."),
    ],
)
def test_a_bad_photo_is_refused_with_a_clear_message(
    client: Client, speaker: Speaker, upload: object, message: str
) -> None:
    if upload == "bomb":
        # 20,000 × 20,000 pixels in a few kilobytes: 400 million pixels to decompress.
        out = BytesIO()
        Image.new("1", (20_000, 20_000)).save(out, "PNG")
        upload = SimpleUploadedFile("bomb.png", out.getvalue(), content_type="image/png")
    elif upload == "bmp":
        upload = image_file("old.bmp", fmt="BMP")
    elif upload == "truncated":
        whole = image_file("cut.png").read()
        upload = SimpleUploadedFile("cut.png", whole[: len(whole) // 2], content_type="image/png")
    response = client.post(profile_url(speaker), {**form(speaker, name="Dana"), "photo": upload})
    assert response.status_code == 200
    assert message in response.content.decode()
    speaker.refresh_from_db()
    assert (speaker.name, speaker.avatar.name) == ("Dana Li", "")
    assert not ProfileChange.objects.exists()


def test_time_zone_from_the_browser_is_kept_and_recorded(client: Client, speaker: Speaker) -> None:
    url = reverse("speakers:guest_time_zone", args=[links.ensure_link(speaker)])
    assert client.post(url, {"time_zone": "America/New_York"}).status_code == 302
    speaker.refresh_from_db()
    assert speaker.time_zone == "America/New_York"
    assert ProfileChange.objects.get().fields == {"time_zone": ["", "America/New_York"]}
    response = client.post(url, {"time_zone": "Nowhere/Land"})
    assert response.status_code == 400
    speaker.refresh_from_db()
    assert speaker.time_zone == "America/New_York"


def test_after_a_time_zone_change_the_guest_goes_back_only_to_their_own_pages(
    client: Client, speaker: Speaker
) -> None:
    url = reverse("speakers:guest_time_zone", args=[links.ensure_link(speaker)])
    response = client.post(url, {"time_zone": "Asia/Tokyo", "next": "https://evil.example.org/"})
    assert response["Location"] == reverse(
        "speakers:guest_portal", args=[links.ensure_link(speaker)]
    )


def test_a_new_photo_replaces_the_old_files(
    client: Client, speaker: Speaker, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        client.post(profile_url(speaker), {**form(speaker), "photo": image_file()})
    speaker.refresh_from_db()
    first = [speaker.avatar.name, speaker.avatar_small.name]
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        client.post(profile_url(speaker), {**form(speaker), "photo": image_file("two.png")})
    speaker.refresh_from_db()
    assert speaker.avatar.name not in first
    assert speaker.avatar.storage.exists(speaker.avatar.name)
    assert not any(speaker.avatar.storage.exists(name) for name in first)


@pytest.mark.parametrize("link_change", ["revoke", "regenerate", "expiry"])
def test_a_profile_save_in_flight_never_undoes_a_link_change(
    speaker: Speaker, link_change: str
) -> None:
    """Found by an attack: the form saved every column, so a save that was under way when the
    producer revoked the link wrote the old secret back."""
    links.ensure_link(speaker)
    bound = ProfileForm(
        form(speaker, pronouns="they/them"), instance=Speaker.objects.get(pk=speaker.pk)
    )
    assert bound.is_valid()
    if link_change == "revoke":
        links.revoke(speaker)
    elif link_change == "regenerate":
        links.regenerate(speaker)
    else:
        links.set_expiry(speaker, timezone.now())
    after_link_change = Speaker.objects.values("link_secret", "link_expires_at").get(pk=speaker.pk)

    bound.save_with_history(now=timezone.now())

    saved = Speaker.objects.get(pk=speaker.pk)
    assert saved.pronouns == "they/them"
    assert {"link_secret": saved.link_secret, "link_expires_at": saved.link_expires_at} == (
        after_link_change
    )


@pytest.fixture
def on_an_episode(speaker: Speaker) -> Speaker:
    episode = make_episode()
    make_appearance(episode, speaker, role="guest")
    make_appearance(episode, make_speaker(name="Jo Host"), role="host")
    make_user((episode.show, Role.PRODUCER), username="pat", first_name="Pat", last_name="Lee")
    return speaker


@pytest.mark.parametrize("name", ["Jo Host", "jo  host", "ＪＯ Host", "Pat Lee", "pat"])
def test_a_guest_cannot_take_the_name_of_someone_else_on_their_episodes(
    client: Client, on_an_episode: Speaker, name: str
) -> None:
    response = client.post(profile_url(on_an_episode), form(on_an_episode, name=name))

    assert response.status_code == 200
    assert "Someone else on your episodes is called that" in response.content.decode()
    on_an_episode.refresh_from_db()
    assert on_an_episode.name == "Dana Li"


def test_a_guest_may_take_a_name_nobody_on_their_episodes_has(
    client: Client, on_an_episode: Speaker
) -> None:
    make_speaker(name="Jo Elsewhere")  # on no episode of theirs

    response = client.post(profile_url(on_an_episode), form(on_an_episode, name="Jo Elsewhere"))

    assert response.status_code == 302
    on_an_episode.refresh_from_db()
    assert on_an_episode.name == "Jo Elsewhere"


def test_a_guest_sharing_a_name_already_can_still_save_their_profile(client: Client) -> None:
    episode = make_episode()
    sam = make_speaker(name="Sam Park")
    make_appearance(episode, sam)
    make_appearance(episode, make_speaker(name="Sam Park"))

    response = client.post(profile_url(sam), form(sam, pronouns="they/them"))

    assert response.status_code == 302


@pytest.mark.parametrize(
    "character",
    ["\u202e", "\u202a", "\u2066", "\u2069", "\u200f", "\u200b", "\ufeff", "\x07", "\x1b"],
)
def test_a_name_with_direction_or_invisible_characters_is_refused(
    client: Client, speaker: Speaker, character: str
) -> None:
    response = client.post(profile_url(speaker), form(speaker, name=f"Dana{character}iL"))

    assert response.status_code == 200
    assert f"U+{ord(character):04X}" in response.content.decode()
    speaker.refresh_from_db()
    assert speaker.name == "Dana Li"


@pytest.mark.parametrize("name", ["Mehrdad Ne\u200cmati", "Zoë Ōtake", "Ana 👩\u200d💻"])
def test_names_with_joiners_and_accents_are_kept(
    client: Client, speaker: Speaker, name: str
) -> None:
    response = client.post(profile_url(speaker), form(speaker, name=name))

    assert response.status_code == 302
    speaker.refresh_from_db()
    assert speaker.name == name


def test_a_guests_own_fix_reaches_the_live_screens_and_the_stream(
    client: Client, speaker: Speaker
) -> None:
    from datetime import timedelta

    from episodes import overlays
    from episodes.models import Episode

    tonight = make_episode(title="Tonight", starts_at=timezone.now() + timedelta(hours=2))
    long_ago = make_episode(
        show=tonight.show, number=1, title="Long ago", starts_at=timezone.now() - timedelta(days=90)
    )
    make_appearance(tonight, speaker)
    make_appearance(long_ago, speaker)
    before = dict(Episode.objects.values_list("pk", "live_revision"))

    client.post(profile_url(speaker), form(speaker, title="Maintainer, Widgets"))

    after = dict(Episode.objects.values_list("pk", "live_revision"))
    assert after[tonight.pk] > before[tonight.pk]  # live screens are told
    assert after[long_ago.pk] == before[long_ago.pk]  # an old episode is left as it aired
    people = overlays.overlay_view(tonight.pk)["people"]
    assert [p["title"] for p in people] == ["Maintainer, Widgets"]
    # Something not shown on air (how to say the name) tells editors only.
    client.post(
        profile_url(speaker), form(speaker, title="Maintainer, Widgets", pronunciation="DAH-nah")
    )
    assert Episode.objects.get(pk=tonight.pk).live_revision == after[tonight.pk]
