"""Photo decoding is bounded: pixel limits, reduced decoding, a worker's memory cap."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from showrunner import isolated
from speakers import avatars


def encoded(size: tuple[int, int], fmt: str, mode: str = "L") -> bytes:
    out = BytesIO()
    Image.new(mode, size, 128 if mode == "L" else 1).save(out, fmt)
    return out.getvalue()


def test_a_png_with_more_pixels_than_an_avatar_needs_is_refused_before_decoding() -> None:
    # The finding: 155 KB, 6,320 × 6,320 pixels, 7 s and 880 MB to decode and cut.
    upload = SimpleUploadedFile("big.png", encoded((6320, 6320), "PNG", "1"))

    with pytest.raises(avatars.AvatarError) as refused:
        avatars.process(upload)

    assert str(refused.value) == (
        "That picture has too many pixels. Please choose one under 25 megapixels."
    )


def test_a_large_jpeg_is_decoded_at_a_reduced_scale_within_100_mb() -> None:
    # 64 megapixels: 192 MB as RGB if decoded in full; a quarter of the size is plenty.
    data = encoded((8000, 8000), "JPEG")

    files = isolated.run(avatars.encode, data, megabytes=100)

    assert Image.open(BytesIO(files["avatar"])).size == (512, 512)
    assert Image.open(BytesIO(files["avatar_small"])).size == (96, 96)


def test_a_large_png_is_reduced_before_it_is_copied_within_60_mb() -> None:
    # 25 megapixels of grey: 25 MB decoded, 75 MB again as RGB if converted before reducing.
    data = encoded((5000, 5000), "PNG")

    files = isolated.run(avatars.encode, data, megabytes=60)

    assert Image.open(BytesIO(files["avatar"])).size == (512, 512)


def test_a_reduced_photo_keeps_its_camera_orientation() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # turned: 4,000 wide as stored, shown 3,000 wide and 4,000 high
    out = BytesIO()
    picture = Image.new("RGB", (4000, 3000), "white")
    picture.paste(Image.new("RGB", (4000, 300), "black"), (0, 0))  # a black band at the top
    picture.save(out, "JPEG", exif=exif)

    files = isolated.run(avatars.encode, out.getvalue())

    avatar = Image.open(BytesIO(files["avatar"])).convert("L")
    assert avatar.getpixel((500, 256)) < 60  # the band is now on the right
    assert avatar.getpixel((10, 256)) > 200
