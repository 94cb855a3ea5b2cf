from datetime import UTC, datetime

from showrunner.timezones import offset_text, place_zone_names, zone_choices

JANUARY = datetime(2030, 1, 8, 17, 0, tzinfo=UTC)
JULY = datetime(2030, 7, 8, 17, 0, tzinfo=UTC)


def test_offset_text_gives_hours_and_minutes_with_a_true_minus_sign() -> None:
    assert offset_text("Asia/Tokyo", JANUARY) == "UTC+9"
    assert offset_text("Asia/Kolkata", JANUARY) == "UTC+5:30"
    assert offset_text("America/Sao_Paulo", JANUARY) == "UTC−3"
    assert offset_text("Europe/London", JANUARY) == "UTC"
    assert offset_text("Europe/London", JULY) == "UTC+1"


def test_place_zone_names_are_real_places_only() -> None:
    names = place_zone_names()

    assert "Asia/Tokyo" in names
    assert "Africa/Lagos" in names
    assert not [
        name
        for name in names
        if name in ("Factory", "localtime", "UTC", "EST5EDT")
        or name.startswith(("Etc/", "posix/", "right/", "US/"))
    ]


def test_zone_choices_label_each_place_with_its_offset_now() -> None:
    choices = dict(zone_choices(JANUARY))

    assert choices["Asia/Tokyo"] == "Asia/Tokyo (UTC+9)"
