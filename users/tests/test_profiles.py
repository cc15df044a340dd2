import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from users.models import User
from users.services import block_create, follow_create
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ME = "/api/v1/users/me"


def test_me_shows_private_fields(client_for, user):
    body = client_for(user).get(ME).json()
    assert body["email"] == "ana@example.com"
    assert body["status"] == "active" and body["role"] == "user"
    assert body["two_factor_enabled"] is False


def test_me_requires_authentication(api_client):
    assert api_client.get(ME).status_code == 401


def test_patch_updates_editable_fields(client_for, user):
    r = client_for(user).patch(
        ME,
        {"display_name": "Ana B.", "bio": "Climber", "website": "https://ana.example", "location": "Lyon"},
    )
    assert r.status_code == 200
    user.refresh_from_db()
    assert (user.display_name, user.bio, user.website, user.location) == (
        "Ana B.",
        "Climber",
        "https://ana.example",
        "Lyon",
    )


def test_patch_cannot_set_read_only_fields(client_for, user):
    r = client_for(user).patch(
        ME,
        {
            "role": "admin",
            "status": "banned",
            "is_staff": True,
            "is_superuser": True,
            "followers_count": 1000,
            "following_count": 7,
            "posts_count": 5,
            "email": "hijack@example.com",
            "email_verified_at": None,
            "two_factor_enabled": True,
            "display_name": "Still Ana",
        },
    )
    assert r.status_code == 200
    user.refresh_from_db()
    assert (user.role, user.status, user.is_staff, user.is_superuser) == ("user", "active", False, False)
    assert (user.followers_count, user.following_count, user.posts_count) == (0, 0, 0)
    assert user.email == "ana@example.com" and user.is_email_verified and not user.two_factor_enabled
    assert user.display_name == "Still Ana"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"bio": "x" * 501}, "bio"),
        ({"username": "support"}, "username"),
        ({"username": "BEN"}, "username"),
        ({"website": "not a url"}, "website"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
    ],
)
def test_patch_validation(client_for, user, other_user, data, field):
    r = client_for(user).patch(ME, data)
    assert r.status_code == 400
    assert field in r.json()["errors"]


def test_username_change(client_for, user):
    assert client_for(user).patch(ME, {"username": "ana_climbs"}).json()["username"] == "ana_climbs"


def test_turning_public_accepts_pending_requests(client_for, user, other_user):
    user.is_private = True
    user.save()
    follow_create(follower=other_user, following=user)
    r = client_for(user).patch(ME, {"is_private": False})
    assert r.json()["followers_count"] == 1


def test_public_profile_by_id_and_username_hides_email(api_client, client_for, user, other_user):
    by_id = client_for(other_user).get(f"/api/v1/users/{user.pk}")
    by_name = api_client.get("/api/v1/users/ANA")
    assert by_id.status_code == by_name.status_code == 200
    assert by_id.json() == by_name.json()
    body = by_id.json()
    assert body["username"] == "ana" and "email" not in body and "status" not in body
    assert "ana@example.com" not in by_id.content.decode()


def test_profile_hidden_when_blocked_or_banned(client_for, user, other_user):
    block_create(blocker=user, blocked=other_user)
    assert client_for(other_user).get("/api/v1/users/ana").status_code == 404
    assert client_for(user).get("/api/v1/users/ben").status_code == 404
    User.objects.filter(pk=other_user.pk).update(status="banned")
    assert client_for(None).get("/api/v1/users/ben").status_code == 404
    assert client_for(None).get("/api/v1/users/nobody-here").status_code == 404


def test_search_by_username_and_display_name(client_for, user):
    UserFactory(username="climber_joe", display_name="Joe")
    UserFactory(username="zed", display_name="The Climbing Zed")
    banned = UserFactory(username="climbbanned", status="banned")
    blocker = UserFactory(username="climbblocker")
    block_create(blocker=blocker, blocked=user)
    r = client_for(user).get("/api/v1/users", {"search": "climb"})
    assert r.status_code == 200
    names = sorted(u["username"] for u in r.json()["results"])
    assert names == ["climber_joe", "zed"]
    assert banned.username not in names
    assert "email" not in r.json()["results"][0]


def test_search_query_count_is_flat(client_for, user, django_assert_max_num_queries):
    client = client_for(user)
    UserFactory(username="flat_0")
    with django_assert_max_num_queries(2):
        assert len(client.get("/api/v1/users", {"search": "flat_"}).json()["results"]) == 1
    for i in range(1, 20):
        UserFactory(username=f"flat_{i}")
    with django_assert_max_num_queries(2):
        assert len(client.get("/api/v1/users", {"search": "flat_"}).json()["results"]) == 20


def image_bytes(fmt="JPEG", size=(1200, 800), exif=True):
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # Make
        data[0x0112] = 6  # Orientation: rotate 90° on display
        kwargs["exif"] = data.tobytes()
    image.save(out, format=fmt, **kwargs)
    return out.getvalue()


def test_avatar_upload_resized_exif_stripped(client_for, user, settings):
    upload = SimpleUploadedFile("me.png", image_bytes(), content_type="image/png")  # the name lies; content rules
    r = client_for(user).post(f"{ME}/avatar", {"avatar": upload}, format="multipart")
    assert r.status_code == 200, r.json()
    assert r.json()["avatar_url"].endswith(".webp")
    user.refresh_from_db()
    with user.avatar.open("rb") as f:
        stored = Image.open(io.BytesIO(f.read()))
        assert stored.format == "WEBP"
        assert stored.size == (400, 400)
        assert not stored.getexif()
        assert b"SecretCam" not in f.read()


def test_avatar_replaced_deletes_old_file(client_for, user, commit):
    client = client_for(user)
    with commit():
        client.post(f"{ME}/avatar", {"avatar": SimpleUploadedFile("a.jpg", image_bytes())}, format="multipart")
    user.refresh_from_db()
    first = user.avatar.name
    with commit():
        client.post(
            f"{ME}/avatar", {"avatar": SimpleUploadedFile("b.jpg", image_bytes(exif=False))}, format="multipart"
        )
    user.refresh_from_db()
    assert user.avatar.name != first
    assert not user.avatar.storage.exists(first)


def test_avatar_rejects_non_images(client_for, user):
    fake = SimpleUploadedFile("evil.jpg", b"<?php echo 'hi'; ?>" * 10, content_type="image/jpeg")
    r = client_for(user).post(f"{ME}/avatar", {"avatar": fake}, format="multipart")
    assert r.status_code == 400
    assert r.json()["errors"]["avatar"] == ["Not a valid image."]
    user.refresh_from_db()
    assert not user.avatar


def test_avatar_too_large(client_for, user, settings):
    settings.AVATAR_MAX_UPLOAD_BYTES = 1000
    r = client_for(user).post(
        f"{ME}/avatar", {"avatar": SimpleUploadedFile("a.jpg", image_bytes())}, format="multipart"
    )
    assert r.status_code == 413
