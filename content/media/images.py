"""Image intake with Pillow: sniff the real format from the bytes, re-encode, strip metadata, thumbnail.

Re-encoding from decoded pixels is what strips EXIF (GPS position, camera serials) and any payload
smuggled after the image data; the Content-Type and file name the client sent are never trusted.
"""

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_PIXELS = 50_000_000  # decompression-bomb guard: a 20 MB file may claim a gigapixel canvas
MAX_SIDE = 4096
THUMB_SIDE = 400


class InvalidImage(Exception):
    pass


@dataclass(frozen=True)
class ProcessedImage:
    data: bytes
    thumbnail: bytes
    width: int
    height: int
    format: str  # "jpeg" or "png"

    @property
    def extension(self) -> str:
        return "jpg" if self.format == "jpeg" else "png"


def process_image(stream) -> ProcessedImage:
    try:
        with Image.open(stream) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise InvalidImage("Only JPEG, PNG, WebP and GIF images are accepted.")
            if probe.width * probe.height > MAX_PIXELS:
                raise InvalidImage("The image has too many pixels.")
            probe.seek(0)  # animated GIF/WebP: the first frame
            image = ImageOps.exif_transpose(probe)  # apply the orientation before EXIF is dropped
            image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as exc:
        raise InvalidImage("The file is not an image we can read.") from exc
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if has_alpha else "RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    fmt = "png" if has_alpha else "jpeg"
    return ProcessedImage(
        data=_encode(image, fmt), thumbnail=_thumbnail(image, fmt), width=image.width, height=image.height, format=fmt
    )


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "jpeg":
        image.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    else:
        image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _thumbnail(image: Image.Image, fmt: str) -> bytes:
    thumb = image.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    return _encode(thumb, fmt)
