"""Signing in to the dashboard: allauth's password step, the TOTP step, CSRF, logout."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from socialflow.tests.conftest import PASSWORD, totp_code
from users.models import User

pytestmark = pytest.mark.django_db


def sign_in(client, login, password=PASSWORD, next_url="/dashboard/"):
    return client.post("/accounts/login/", {"login": login, "password": password, "next": next_url})


def test_anonymous_is_sent_to_login(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/dashboard/"
    assert client.get("/")["Location"] == "/dashboard/"


def test_login_page_is_labelled_csrf_protected_and_hides_unconfigured_providers(client, settings):
    response = client.get("/accounts/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_login">Email or username</label>' in html
    assert '<label for="id_password">Password</label>' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "Continue with Google" not in html
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "<script>" not in html and "onclick" not in html

    settings.SOCIALACCOUNT_PROVIDERS = {
        **settings.SOCIALACCOUNT_PROVIDERS,
        "google": {"APPS": [{"client_id": "google-client-id", "secret": "s"}], "SCOPE": ["email"]},
    }
    html = client.get("/accounts/login/").content.decode()
    assert "Continue with Google" in html
    assert "Continue with Facebook" not in html
    assert 'action="/accounts/google/login/?process=login"' in html


@pytest.mark.parametrize("login", ["cora", "cora@example.com"])
def test_password_sign_in_by_username_or_email_reaches_overview(client, creator, login):
    response = sign_in(client, login)
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    page = client.get("/dashboard/")
    assert page.status_code == 200
    assert "<h1>Overview</h1>" in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"


def test_wrong_password_stays_on_login(client, creator):
    response = sign_in(client, "cora", password="wrong-password-1")
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert client.get("/dashboard/").status_code == 302


def test_csrf_is_enforced_on_the_login_form(creator):
    strict = Client(enforce_csrf_checks=True)
    assert sign_in(strict, "cora").status_code == 403
    page = strict.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = strict.post("/accounts/login/", {"login": "cora", "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_second_factor_is_a_login_stage_nothing_opens_before_it(client, creator, totp_device):
    device = totp_device(creator)
    response = sign_in(client, "cora", next_url="/dashboard/?days=7")
    assert response.status_code == 302 and response["Location"] == "/dashboard/verify/"
    # The password alone signs nobody in: no dashboard, no session-authenticated API.
    assert "_auth_user_id" not in client.session
    assert client.get("/dashboard/?days=7")["Location"] == "/accounts/login/?next=/dashboard/%3Fdays%3D7"
    assert client.get("/api/v1/users/me").status_code == 401

    step = client.get("/dashboard/verify/")
    assert step.status_code == 200
    assert '<label for="id_code">Code' in step.content.decode()

    right = totp_code(device)
    wrong = client.post("/dashboard/verify/", {"code": "000000" if right != "000000" else "111111"})
    assert wrong.status_code == 400
    assert "That code is not valid." in wrong.content.decode()
    # A wrong code throttles the device (django-otp's backoff): even the right code is refused at once.
    assert client.post("/dashboard/verify/", {"code": right}).status_code == 400
    # The clock is the boundary here: move the failure into the past instead of sleeping.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=timezone.now() - timedelta(seconds=5))

    ok = client.post("/dashboard/verify/", {"code": right})
    assert ok.status_code == 302 and ok["Location"] == "/dashboard/?days=7"
    assert client.get("/dashboard/?days=7").status_code == 200
    assert client.get("/api/v1/users/me").json()["username"] == "cora"


def test_a_totp_code_cannot_be_replayed_in_another_session(creator, totp_device):
    device = totp_device(creator)
    first, second = Client(), Client()
    sign_in(first, "cora")
    code = totp_code(device)
    assert first.post("/dashboard/verify/", {"code": code}).status_code == 302
    sign_in(second, "cora")
    assert second.post("/dashboard/verify/", {"code": code}).status_code == 400
    assert second.get("/dashboard/").status_code == 302


def test_a_backup_code_works_once(creator, totp_device):
    device = totp_device(creator)
    backup = device.backup_codes[0]
    first, second = Client(), Client()
    sign_in(first, "cora")
    assert first.post("/dashboard/verify/", {"code": backup})["Location"] == "/dashboard/"
    assert first.get("/dashboard/").status_code == 200
    sign_in(second, "cora")
    assert second.post("/dashboard/verify/", {"code": backup}).status_code == 400


def test_the_second_step_shares_the_otp_rate_limit(client, creator, totp_device):
    totp_device(creator)
    sign_in(client, "cora")
    statuses = [client.post("/dashboard/verify/", {"code": "zzzzz-zzzzz"}).status_code for _ in range(5)]
    assert statuses == [400] * 5
    assert "Too many attempts" in client.post("/dashboard/verify/", {"code": "zzzzz-zzzzz"}).content.decode()


def test_verify_without_a_pending_login_sends_to_sign_in(client):
    assert client.get("/dashboard/verify/")["Location"] == "/accounts/login/"


def test_a_session_signed_in_elsewhere_still_needs_the_second_factor(client, creator, totp_device):
    """A session opened without allauth's stages (e.g. the admin's login form) is stopped at every page."""
    device = totp_device(creator)
    client.force_login(creator)
    page = client.get("/dashboard/?days=7")
    assert page["Location"] == "/dashboard/verify/?next=%2Fdashboard%2F%3Fdays%3D7"
    offsite = client.post("/dashboard/verify/", {"code": totp_code(device), "next": "https://evil.example/"})
    assert offsite["Location"] == "/dashboard/"
    assert client.get("/dashboard/?days=7").status_code == 200


def test_no_device_means_no_second_step(client, creator):
    assert sign_in(client, "cora")["Location"] == "/dashboard/"
    assert client.get("/dashboard/verify/")["Location"] == "/dashboard/"


def test_suspended_accounts_cannot_sign_in(client, creator):
    User.objects.filter(pk=creator.pk).update(status=User.Status.SUSPENDED)
    response = sign_in(client, "cora")
    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    assert "This account is suspended until further notice." in client.get("/accounts/login/").content.decode()


def test_logout_is_a_csrf_protected_post(creator):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(creator)
    page = strict.get("/dashboard/").content.decode()
    assert 'action="/accounts/logout/"' in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert strict.post("/accounts/logout/").status_code == 403
    assert strict.post("/accounts/logout/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert strict.get("/dashboard/").status_code == 302


def test_a_suspended_account_loses_its_dashboard_session(dashboard_client, creator):
    c = dashboard_client(creator)
    assert c.get("/dashboard/").status_code == 200
    User.objects.filter(pk=creator.pk).update(status=User.Status.SUSPENDED)
    response = c.get("/dashboard/", follow=True)
    assert response.redirect_chain[0] == ("/accounts/login/?next=/dashboard/", 302)
    assert "This account is suspended until further notice." in response.content.decode()
    assert "_auth_user_id" not in c.session
