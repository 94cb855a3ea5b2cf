"""Guests' photos: checked, cleaned and cut to the sizes the pages use.

Pillow verifies the file is an image it can read, refuses decompression bombs, files over 5 MB
and pictures with more pixels than a 512-pixel avatar can use, turns the picture the way its
camera meant (EXIF orientation), then re-encodes only the pixels, which drops EXIF and GPS data,
cropped square.

Decoding is bounded: a JPEG is decoded at a reduced scale (``draft``), anything else is reduced
straight after decoding, before any copy is made, and all of it runs in a worker process
(``showrunner.isolated``) with its memory cap and time limit, never in the process that pushes to
the live screens.
"""

import warnings
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

from showrunner import isolated

MAX_BYTES = 5 * 1024 * 1024
# Decoded in full: 25 megapixels is 100 MB as RGBA, and far more than 512 pixels need.
MAX_PIXELS = 25_000_000
# Decoded at an eighth of the size or less (draft mode), so a camera's largest JPEG is cheap.
MAX_JPEG_PIXELS = 80_000_000
FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
SIZES = {"avatar": 512, "avatar_small": 96}
DECODE_SIZE = 2 * max(SIZES.values())  # what is decoded at least, for a sharp crop


class AvatarError(ValueError):
    pass


def too_many_pixels(limit: int) -> str:
    return (
        f"That picture has too many pixels. Please choose one under {limit // 1_000_000} "
        "megapixels."
    )


def process(upload: UploadedFile) -> dict[str, ContentFile]:
    """The cleaned JPEGs for each size, by field name. Raises :class:`AvatarError`."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise AvatarError("That file is over 5 MB. Please choose a smaller photo.")
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise AvatarError("That file is over 5 MB. Please choose a smaller photo.")
    try:
        encoded = isolated.run(encode, data, what="This picture", doing="process")
    except isolated.IsolationError as exc:
        raise AvatarError(str(exc)) from None
    return {field: ContentFile(content, name=f"{field}.jpg") for field, content in encoded.items()}


def encode(data: bytes) -> dict[str, bytes]:
    """The JPEG bytes for each size. Pure (bytes in, bytes out), for a worker process."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(BytesIO(data))
            if probe.format not in FORMATS:
                raise AvatarError("Please upload a JPEG, PNG, GIF or WebP photo.")
            limit = MAX_JPEG_PIXELS if probe.format == "JPEG" else MAX_PIXELS
            if probe.width * probe.height > limit:
                raise AvatarError(too_many_pixels(limit))
            probe.verify()
            # Image, not ImageFile: the steps below return plain images.
            image: Image.Image = Image.open(BytesIO(data))
            if image.format == "JPEG":
                image.draft("RGB", (DECODE_SIZE, DECODE_SIZE))
            image.load()
    except AvatarError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise AvatarError(too_many_pixels(MAX_PIXELS)) from None
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
    ):
        raise AvatarError(
            "That file is not a picture we can read. Please upload a photo."
        ) from None
    image = smaller(image)
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        image = Image.new("RGB", image.size, "white")
        image.paste(rgba, mask=rgba.getchannel("A"))
    else:
        image = image.convert("RGB")
    files = {}
    for field, size in SIZES.items():
        square = ImageOps.fit(image, (size, size), Image.Resampling.LANCZOS)
        out = BytesIO()
        square.save(out, "JPEG", quality=86, optimize=True)  # pixels only: no EXIF, no GPS
        files[field] = out.getvalue()
    return files


def smaller(image: Image.Image) -> Image.Image:
    """``image`` reduced by a whole factor to no less than :data:`DECODE_SIZE` on its short
    side, before anything else copies it (EXIF data kept, for its orientation)."""
    factor = min(image.size) // DECODE_SIZE
    if factor < 2:
        return image
    if image.mode not in ("L", "LA", "RGB", "RGBA"):
        image = image.convert("RGBA" if image.mode in ("P", "PA") else "RGB")
    reduced = image.reduce(factor)
    reduced.info = image.info
    return reduced
