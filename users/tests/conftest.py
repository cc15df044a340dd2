import re

import pyotp
import pytest
from django.core import mail
from rest_framework.test import APIClient

PASSWORD = "correct-horse-battery"


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """`with commit():` runs on-commit callbacks (emails, tasks) as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def outbox():
    mail.outbox = []
    return mail.outbox


def token_from_mail(message) -> str:
    match = re.search(r"token=([A-Za-z0-9_\-]+)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.fixture
def login(db):
    """`login(user, password=..., client=...)` → (client with Bearer set, response body)."""

    def do(user, password=PASSWORD, client=None, ua="pytest-agent/1.0"):
        client = client or APIClient()
        r = client.post("/api/v1/auth/login", {"login": user.username, "password": password}, HTTP_USER_AGENT=ua)
        assert r.status_code == 200, r.json()
        body = r.json()
        if "access" in body:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access']}")
        return client, body

    return do


def bearer(access: str) -> APIClient:
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return c


@pytest.fixture
def enable_2fa(login):
    """Turn 2FA on through the API; returns (pyotp.TOTP, backup codes)."""

    def do(user):
        client, _ = login(user)
        setup = client.post("/api/v1/auth/2fa/setup").json()
        totp = pyotp.TOTP(setup["secret"])
        r = client.post("/api/v1/auth/2fa/confirm", {"code": totp.now()})
        assert r.status_code == 200, r.json()
        return totp, r.json()["backup_codes"]

    return do
