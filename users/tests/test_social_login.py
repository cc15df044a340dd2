"""Social login through the real allauth verification code; only the providers' HTTP endpoints are
stood in for (`responses`), with a key pair and certificate generated here."""

import datetime as dt
import time

import jwt
import pytest
import responses
from allauth.socialaccount.models import SocialAccount
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from users.models import User
from users.tests.conftest import bearer

pytestmark = pytest.mark.django_db
CERTS_URL = "https://www.googleapis.com/oauth2/v1/certs"
GRAPH = "https://graph.facebook.com/v19.0"
CLIENT_ID = "test-client.apps.googleusercontent.com"
FB_APP_ID = "fb-app-123"


@pytest.fixture(scope="module")
def google_keys():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test-google")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return {"kid": "kid-1", "cert": pem, "private": private}


@pytest.fixture(autouse=True)
def providers(settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "google": {"APPS": [{"client_id": CLIENT_ID, "secret": "g-secret"}], "SCOPE": ["profile", "email"]},
        "facebook": {"APPS": [{"client_id": FB_APP_ID, "secret": "fb-secret"}]},
    }


def google_token(keys, *, sub="g-123", email="nia@gmail.com", verified=True, aud=CLIENT_ID, private=None):
    now = int(time.time())
    claims = {
        "iss": "https://accounts.google.com",
        "aud": aud,
        "sub": sub,
        "email": email,
        "email_verified": verified,
        "name": "Nia Gomez",
        "iat": now,
        "exp": now + 600,
    }
    return jwt.encode(claims, private or keys["private"], algorithm="RS256", headers={"kid": keys["kid"]})


def serve_certs(keys):
    responses.add(responses.GET, CERTS_URL, json={keys["kid"]: keys["cert"]})


@responses.activate
def test_google_creates_verified_account(api_client, google_keys):
    serve_certs(google_keys)
    r = api_client.post("/api/v1/auth/social/google", {"id_token": google_token(google_keys)})
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["user"]["email"] == "nia@gmail.com" and body["user"]["status"] == "active"
    assert body["user"]["username"] == "nia"
    user = User.objects.get(email="nia@gmail.com")
    assert user.is_email_verified and not user.has_usable_password()
    assert SocialAccount.objects.get(user=user).uid == "g-123"
    assert bearer(body["access"]).get("/api/v1/users/me").status_code == 200
    # Signing in again finds the same account by provider uid.
    again = api_client.post("/api/v1/auth/social/google", {"id_token": google_token(google_keys, email="x@y.z")})
    assert again.json()["user"]["id"] == str(user.pk)
    assert User.objects.count() == 1


@responses.activate
def test_google_links_existing_account_with_same_verified_email(api_client, google_keys, user):
    serve_certs(google_keys)
    r = api_client.post("/api/v1/auth/social/google", {"id_token": google_token(google_keys, email="ANA@example.com")})
    assert r.status_code == 200
    assert r.json()["user"]["id"] == str(user.pk)
    assert SocialAccount.objects.get().user == user


@responses.activate
def test_google_unverified_email_does_not_take_over(api_client, google_keys, user):
    serve_certs(google_keys)
    token = google_token(google_keys, email="ana@example.com", verified=False)
    r = api_client.post("/api/v1/auth/social/google", {"id_token": token})
    assert r.status_code == 409
    assert not SocialAccount.objects.exists()


@responses.activate
def test_google_bad_signature_or_audience_refused(api_client, google_keys):
    serve_certs(google_keys)
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    forged = api_client.post("/api/v1/auth/social/google", {"id_token": google_token(google_keys, private=other_key)})
    assert forged.status_code == 401
    wrong_aud = api_client.post("/api/v1/auth/social/google", {"id_token": google_token(google_keys, aud="other-app")})
    assert wrong_aud.status_code == 401
    assert not User.objects.exists()


@responses.activate
def test_google_login_asks_for_second_factor(api_client, google_keys, user, enable_2fa):
    enable_2fa(user)
    serve_certs(google_keys)
    r = api_client.post("/api/v1/auth/social/google", {"id_token": google_token(google_keys, email="ana@example.com")})
    assert r.json()["mfa_required"] is True and "access" not in r.json()


def serve_facebook(*, valid=True, app_id=FB_APP_ID, email="fin@example.com"):
    responses.add(responses.GET, f"{GRAPH}/oauth/access_token", json={"access_token": "app-token"})
    responses.add(
        responses.GET,
        f"{GRAPH}/debug_token",
        json={"data": {"is_valid": valid, "app_id": app_id, "user_id": "fb-9"}},
    )
    responses.add(responses.GET, f"{GRAPH}/me", json={"id": "fb-9", "email": email, "name": "Fin Fb"})


@responses.activate
def test_facebook_creates_unverified_account(api_client):
    serve_facebook()
    r = api_client.post("/api/v1/auth/social/facebook", {"access_token": "user-token"})
    assert r.status_code == 200, r.json()
    assert r.json()["user"]["status"] == "pending_verification"
    debug = [c.request.url for c in responses.calls if "debug_token" in c.request.url]
    assert debug and "input_token=user-token" in debug[0]


@responses.activate
def test_facebook_token_for_another_app_refused(api_client):
    serve_facebook(app_id="someone-elses-app")
    assert api_client.post("/api/v1/auth/social/facebook", {"access_token": "t"}).status_code == 401
    assert not User.objects.exists()


@responses.activate
def test_facebook_does_not_link_unverified_email_to_existing_account(api_client, user):
    serve_facebook(email="ana@example.com")
    r = api_client.post("/api/v1/auth/social/facebook", {"access_token": "t"})
    assert r.status_code == 409
    assert r.json()["type"] == "urn:socialflow:error:social_email_unverified"


def test_unknown_provider_is_404(api_client):
    assert api_client.post("/api/v1/auth/social/myspace", {"access_token": "t"}).status_code == 404


def test_provider_not_configured_is_503(api_client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"google": {"APPS": [{"client_id": "", "secret": ""}]}}
    assert api_client.post("/api/v1/auth/social/google", {"id_token": "x"}).status_code == 503


def test_web_flow_adapter_marks_provider_verified_email(rf, settings):
    from allauth.socialaccount.adapter import get_adapter
    from django.contrib.sessions.middleware import SessionMiddleware

    request = rf.get("/accounts/google/login/callback/")
    SessionMiddleware(lambda r: None).process_request(request)
    adapter = get_adapter(request)
    assert type(adapter).__name__ == "SocialAccountAdapter"
    provider = adapter.get_provider(request, "google")
    data = {"sub": "g-web-1", "email": "web@gmail.com", "email_verified": True, "name": "Web User"}
    sociallogin = provider.sociallogin_from_response(request, data)
    sociallogin.user.username = "webuser"
    user = adapter.save_user(request, sociallogin)
    user.refresh_from_db()
    assert user.is_email_verified and user.status == "active"
    assert user.account_events.filter(kind="email_verified").exists()
