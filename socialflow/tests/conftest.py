"""Dashboard fixtures: signed-in browser-like clients and a second factor for a persona."""

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from users.tests.factories import UserFactory

PASSWORD = "correct-horse-battery"  # what UserFactory sets


def totp_code(device: TOTPDevice) -> str:
    """The authenticator app's current code for `device`."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def totp_device():
    def make(user) -> TOTPDevice:
        return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)

    return make


@pytest.fixture
def dashboard_client():
    """`dashboard_client(user)` → a Client with a signed-in session (no second factor passed)."""

    def make(u) -> Client:
        c = Client()
        c.force_login(u)
        return c

    return make


@pytest.fixture
def second_creator(db):
    return UserFactory(username="dora", role="creator")
