"""Races that only a real database shows: two refreshes with one token, two uses of one code."""

import threading

import pyotp
import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from users.models import BackupCode, UserSession
from users.services import login_with_password, session_start, totp_confirm, totp_setup
from users.tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not settings.USING_POSTGRES, reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


def race(n, fn):
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        try:
            barrier.wait()
            results[i] = fn(i)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_concurrent_refresh_with_one_token_exactly_one_wins(user):
    _, pair = session_start(user=user)
    results = race(4, lambda i: APIClient().post("/api/v1/auth/refresh", {"refresh": pair["refresh"]}).status_code)
    assert sorted(results) == [200, 401, 401, 401]
    # The losers presented a rotated token: the family is revoked (reuse is treated as theft).
    session = UserSession.objects.get(user=user)
    assert session.revoked_at is not None and session.revoke_reason == "token_reuse"
    assert session.generation == 1


def test_concurrent_backup_code_use_only_one_passes(user):
    totp_setup(user=user)
    device = user.totpdevice_set.get()
    codes = totp_confirm(user=user, code=pyotp.TOTP(device.config_url.split("secret=")[1].split("&")[0]).now())
    user.refresh_from_db()
    tokens = [login_with_password(login="ana", password=PASSWORD).mfa_token for _ in range(4)]
    results = race(
        4,
        lambda i: APIClient().post("/api/v1/auth/2fa/verify", {"mfa_token": tokens[i], "code": codes[0]}).status_code,
    )
    assert sorted(results) == [200, 401, 401, 401]
    assert BackupCode.objects.filter(user=user, used_at__isnull=False).count() == 1


def test_concurrent_totp_use_only_one_passes(user):
    totp_setup(user=user)
    device = user.totpdevice_set.get()
    totp = pyotp.TOTP(device.config_url.split("secret=")[1].split("&")[0])
    import time

    totp_confirm(user=user, code=totp.now())
    user.refresh_from_db()
    code = totp.at(time.time(), counter_offset=1)
    tokens = [login_with_password(login="ana", password=PASSWORD).mfa_token for _ in range(4)]
    results = race(
        4, lambda i: APIClient().post("/api/v1/auth/2fa/verify", {"mfa_token": tokens[i], "code": code}).status_code
    )
    assert sorted(results) == [200, 401, 401, 401]
