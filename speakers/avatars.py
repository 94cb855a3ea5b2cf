"""Guests' photos: checked, cleaned and cut to the sizes the pages use.

Pillow verifies the file is an image it can read, refuses decompression bombs and files over
5 MB, turns the picture the way its camera meant (EXIF orientation), then re-encodes only the
pixels, which drops EXIF and GPS data, cropped square.
"""

import warnings
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; far larger is a decompression bomb
FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
SIZES = {"avatar": 512, "avatar_small": 96}
TOO_MANY_PIXELS = "That picture has too many pixels. Please choose one under 40 megapixels."


class AvatarError(ValueError):
    pass


def process(upload: UploadedFile) -> dict[str, ContentFile]:
    """The cleaned JPEGs for each size, by field name. Raises :class:`AvatarError`."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise AvatarError("That file is over 5 MB. Please choose a smaller photo.")
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise AvatarError("That file is over 5 MB. Please choose a smaller photo.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(BytesIO(data))
            if probe.format not in FORMATS:
                raise AvatarError("Please upload a JPEG, PNG, GIF or WebP photo.")
            if probe.width * probe.height > MAX_PIXELS:
                raise AvatarError(TOO_MANY_PIXELS)
            probe.verify()
            image = Image.open(BytesIO(data))
            image.load()
    except AvatarError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise AvatarError(TOO_MANY_PIXELS) from None
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
    ):
        raise AvatarError(
            "That file is not a picture we can read. Please upload a photo."
        ) from None
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P"):
        background = Image.new("RGB", image.size, "white")
        background.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        image = background
    else:
        image = image.convert("RGB")
    files = {}
    for field, size in SIZES.items():
        square = ImageOps.fit(image, (size, size), Image.Resampling.LANCZOS)
        out = BytesIO()
        square.save(out, "JPEG", quality=86, optimize=True)  # pixels only: no EXIF, no GPS
        files[field] = ContentFile(out.getvalue(), name=f"{field}.jpg")
    return files
