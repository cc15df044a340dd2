"""Image intake: content sniffing, size limit, re-encoding without EXIF, thumbnails."""

import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from content.models import MediaImage

pytestmark = pytest.mark.django_db


def _jpeg_with_gps() -> io.BytesIO:
    image = Image.new("RGB", (1200, 800), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° when shown
    exif[0x8825] = {2: (48.0, 51.0, 24.0)}  # GPSInfo latitude
    buf = io.BytesIO()
    image.save(buf, "JPEG", exif=exif)
    buf.seek(0)
    buf.name = "holiday.png"  # the name lies; the bytes decide
    return buf


def test_upload_reencodes_strips_exif_and_thumbnails(auth_client, user):
    response = auth_client.post(
        "/api/v1/media/images", {"file": _jpeg_with_gps(), "alt_text": "sea"}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    # EXIF orientation applied before stripping: 1200x800 shown rotated is 800x1200.
    assert (body["width"], body["height"], body["format"], body["alt_text"]) == (800, 1200, "jpeg", "sea")
    image = MediaImage.objects.get(pk=body["id"])
    assert image.owner == user and image.image.endswith(".jpg")
    with default_storage.open(image.image) as stored:
        reopened = Image.open(stored)
        assert reopened.format == "JPEG"
        assert not reopened.getexif()
    with default_storage.open(image.thumbnail) as thumb:
        assert max(Image.open(thumb).size) == 400


def test_non_image_is_refused(auth_client):
    fake = io.BytesIO(b"%PDF-1.7 not an image at all")
    fake.name = "cat.jpg"
    response = auth_client.post("/api/v1/media/images", {"file": fake}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"]["file"] == ["The file is not an image we can read."]


def test_too_large_is_refused(auth_client, settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 1000
    big = io.BytesIO()
    Image.effect_noise((200, 200), 50).convert("RGB").save(big, "PNG")
    big.seek(0)
    big.name = "noise.png"
    assert auth_client.post("/api/v1/media/images", {"file": big}, format="multipart").status_code == 413


def test_transparent_png_stays_png(auth_client):
    buf = io.BytesIO()
    Image.new("RGBA", (50, 50), (0, 0, 0, 0)).save(buf, "PNG")
    buf.seek(0)
    buf.name = "t.png"
    assert auth_client.post("/api/v1/media/images", {"file": buf}, format="multipart").json()["format"] == "png"


def test_anonymous_cannot_upload(api_client):
    assert api_client.post("/api/v1/media/images", {"file": _jpeg_with_gps()}, format="multipart").status_code == 401
