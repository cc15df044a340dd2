import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from users.models import DataExport, Follow, User, UserSession
from users.services import follow_create
from users.tasks import accounts_anonymise_due_task, suspensions_lift_expired_task
from users.tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
ME = "/api/v1/users/me"


def test_delete_requires_password(login, user):
    client, _ = login(user)
    r = client.delete(ME, {"password": "wrong"})
    assert r.status_code == 400
    user.refresh_from_db()
    assert user.status == "active"


def test_delete_deactivates_revokes_and_schedules(login, user, other_user, commit, outbox):
    client, _ = login(user)
    with commit():
        r = client.delete(ME, {"password": PASSWORD})
    assert r.status_code == 202
    assert r.json()["status"] == "deactivated"
    user.refresh_from_db()
    assert user.status == "deactivated"
    assert timedelta(days=29, hours=23) < user.deletion_due_at - timezone.now() <= timedelta(days=30)
    assert not UserSession.objects.live().filter(user=user).exists()
    assert client.get(ME).status_code in (401, 403)
    assert APIClient().get("/api/v1/users/ana").status_code == 404
    assert "Your SocialFlow account will be deleted" in [m.subject for m in outbox]


def test_login_within_grace_cancels_deletion(login, user):
    client, _ = login(user)
    client.delete(ME, {"password": PASSWORD})
    _, body = login(user)
    assert body["user"]["status"] == "active"
    user.refresh_from_db()
    assert user.deletion_due_at is None and user.status == "active"
    assert user.account_events.filter(kind="status", from_value="deactivated", to_value="active").exists()


def test_anonymised_after_grace_by_beat_task(login, user, other_user):
    follow_create(follower=other_user, following=user)
    follow_create(follower=user, following=other_user)
    client, _ = login(user)
    client.delete(ME, {"password": PASSWORD})
    assert accounts_anonymise_due_task.delay().get() == 0  # still within the grace period
    User.objects.filter(pk=user.pk).update(deletion_due_at=timezone.now() - timedelta(seconds=1))
    assert accounts_anonymise_due_task.delay().get() == 1
    user.refresh_from_db()
    assert user.anonymised_at is not None
    assert user.email.endswith("@deleted.invalid") and user.username.startswith("deleted_")
    assert user.display_name == "" and user.bio == "" and not user.has_usable_password()
    assert not Follow.objects.exists()
    other_user.refresh_from_db()
    assert (other_user.followers_count, other_user.following_count) == (0, 0)
    r = APIClient().post("/api/v1/auth/login", {"login": "ana@example.com", "password": PASSWORD})
    assert r.status_code == 401
    assert accounts_anonymise_due_task.delay().get() == 0


def test_suspension_lift_beat_task(user, moderator):
    from users.services import user_suspend

    user_suspend(user=user, by=moderator, until=timezone.now() + timedelta(hours=1), reason="x")
    assert suspensions_lift_expired_task.delay().get() == 0
    User.objects.filter(pk=user.pk).update(suspended_until=timezone.now() - timedelta(minutes=1))
    assert suspensions_lift_expired_task.delay().get() == 1
    user.refresh_from_db()
    assert user.status == "active"


def test_export_built_and_downloadable_by_owner_only(login, user, other_user, commit, outbox):
    follow_create(follower=user, following=other_user)
    client, _ = login(user)
    with commit():
        r = client.post(f"{ME}/export")
    assert r.status_code == 202
    export = DataExport.objects.get(user=user)
    assert export.status == "ready" and export.size_bytes > 0
    detail = client.get(f"{ME}/exports/{export.pk}").json()
    assert detail["status"] == "ready" and detail["download_url"].endswith(f"/exports/{export.pk}/download")
    download = client.get(f"{ME}/exports/{export.pk}/download")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    profile = json.loads(archive.read("profile.json"))
    assert profile["email"] == "ana@example.com" and profile["username"] == "ana"
    assert json.loads(archive.read("following.json")) == ["ben"]
    assert "password" not in archive.read("profile.json").decode()
    assert "Your SocialFlow data export is ready" in [m.subject for m in outbox]
    theirs, _ = login(other_user)
    assert theirs.get(f"{ME}/exports/{export.pk}/download").status_code == 404
    assert theirs.get(f"{ME}/exports/{export.pk}").status_code == 404
    assert theirs.get(f"{ME}/exports").json()["results"] == []
    assert APIClient().get(f"{ME}/exports/{export.pk}/download").status_code == 401


def test_export_providers_from_other_apps(login, user, settings, commit):
    settings.DATA_EXPORT_PROVIDERS = ["users.tests.test_deletion_export.sample_provider"]
    client, _ = login(user)
    with commit():
        client.post(f"{ME}/export")
    export = DataExport.objects.get(user=user)
    with export.file.open("rb") as f:
        assert json.loads(zipfile.ZipFile(f).read("posts.json")) == [{"title": "hello from ana"}]


def sample_provider(user):
    return "posts", [{"title": f"hello from {user.username}"}]


def test_purge_removes_only_dead_auth_records(login, user):
    from users.models import MfaChallenge, OneTimeToken
    from users.tasks import auth_records_purge_task

    client, body = login(user)
    old, _ = login(user, ua="old-phone")
    old.post("/api/v1/auth/logout-all")
    client, body = login(user)
    UserSession.objects.filter(user_agent="old-phone").update(revoked_at=timezone.now() - timedelta(days=31))
    OneTimeToken.objects.create(user=user, purpose="password_reset", token_hash="x" * 64, expires_at=timezone.now())
    MfaChallenge.objects.create(user=user, token_hash="y" * 64, expires_at=timezone.now() - timedelta(minutes=1))
    assert auth_records_purge_task.delay().get() == 3
    assert client.get(ME).status_code == 200
