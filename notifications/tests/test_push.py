import base64
import json
import os

import pytest
import responses
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from notifications import push_providers
from notifications.models import NotificationDelivery, PushDevice
from notifications.services import delivery_send, notification_send, push_device_register
from notifications.tests.factories import post_ref

pytestmark = pytest.mark.django_db

TOKENS_URL = "/api/v1/notifications/push-tokens"
OAUTH_URL = "https://oauth2.googleapis.com/token"
FCM_SEND_URL = "https://fcm.googleapis.com/v1/projects/sf-test/messages:send"
WEBPUSH_ENDPOINT = "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABtest"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.fixture
def fcm(settings, tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    path = tmp_path / "fcm.json"
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "sf-test",
                "private_key_id": "k1",
                "private_key": pem,
                "client_email": "push@sf-test.iam.gserviceaccount.com",
                "client_id": "1",
                "token_uri": OAUTH_URL,
            }
        )
    )
    settings.FCM_PROJECT_ID = "sf-test"
    settings.FCM_SERVICE_ACCOUNT_FILE = str(path)
    push_providers.reset_fcm_credentials()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.post(OAUTH_URL, json={"access_token": "ya29.test-token", "expires_in": 3600, "token_type": "Bearer"})
        yield rsps
    push_providers.reset_fcm_credentials()


@pytest.fixture
def vapid(settings):
    server_key = ec.generate_private_key(ec.SECP256R1())
    settings.VAPID_PRIVATE_KEY = _b64(server_key.private_numbers().private_value.to_bytes(32, "big"))
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


def _subscription():
    client_key = ec.generate_private_key(ec.SECP256R1())
    public = client_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return {"endpoint": WEBPUSH_ENDPOINT, "keys": {"p256dh": _b64(public), "auth": _b64(os.urandom(16))}}


def _push_delivery(recipient, actor):
    n = notification_send(recipient=recipient, type="comment", actor=actor, target=post_ref(1, "Hello"))
    return NotificationDelivery.objects.get(notification=n, channel="push")


def _fcm_device(user, token="fcm-token-1"):
    return push_device_register(user=user, kind="fcm", token=token, platform="android")


# --- registering ---------------------------------------------------------------------------------
def test_register_list_and_delete_fcm_token(user, client_for):
    client = client_for(user)
    res = client.post(TOKENS_URL, {"kind": "fcm", "token": "abc:123", "platform": "ios"}, format="json")
    assert res.status_code == 201
    assert (res.json()["kind"], res.json()["platform"], res.json()["is_active"]) == ("fcm", "ios", True)
    assert [d["id"] for d in client.get(TOKENS_URL).json()] == [res.json()["id"]]
    assert client.delete(TOKENS_URL, {"token": "abc:123"}, format="json").status_code == 204
    assert client.get(TOKENS_URL).json() == []
    assert client.delete(TOKENS_URL, {"token": "abc:123"}, format="json").status_code == 404


def test_register_web_push_subscription(user, client_for):
    sub = _subscription()
    res = client_for(user).post(TOKENS_URL, {"kind": "webpush", "subscription": sub}, format="json")
    assert res.status_code == 201 and res.json()["platform"] == "web"
    device = PushDevice.objects.get()
    assert (device.token, device.p256dh, device.auth) == (sub["endpoint"], sub["keys"]["p256dh"], sub["keys"]["auth"])
    bad = client_for(user).post(TOKENS_URL, {"kind": "webpush", "token": "x"}, format="json")
    assert bad.status_code == 400 and "subscription" in bad.json()["errors"]


def test_another_user_cannot_delete_my_token_and_a_reused_token_moves(user, other_user, client_for):
    client_for(user).post(TOKENS_URL, {"kind": "fcm", "token": "shared-phone"}, format="json")
    assert client_for(other_user).delete(TOKENS_URL, {"token": "shared-phone"}, format="json").status_code == 404
    assert PushDevice.objects.get().user == user
    # The same phone signs in as someone else: the token now belongs to them.
    client_for(other_user).post(TOKENS_URL, {"kind": "fcm", "token": "shared-phone"}, format="json")
    assert PushDevice.objects.get().user == other_user


# --- FCM -----------------------------------------------------------------------------------------
def test_fcm_delivery_calls_http_v1_with_an_oauth_token(user, other_user, fcm):
    fcm.post(FCM_SEND_URL, json={"name": "projects/sf-test/messages/1"})
    _fcm_device(user)
    delivery = _push_delivery(user, other_user)
    assert delivery_send(delivery_id=delivery.id) == "sent"
    call = [c for c in fcm.calls if c.request.url == FCM_SEND_URL][0]
    assert call.request.headers["Authorization"] == "Bearer ya29.test-token"
    body = json.loads(call.request.body)["message"]
    assert body["token"] == "fcm-token-1"
    assert body["notification"] == {"title": "Ben", "body": "commented on your post: Hello"}
    assert body["data"]["type"] == "comment"
    assert PushDevice.objects.get().last_success_at is not None


def test_fcm_unregistered_token_is_deactivated_at_once(user, other_user, fcm):
    fcm.post(
        FCM_SEND_URL,
        status=404,
        json={
            "error": {
                "code": 404,
                "status": "NOT_FOUND",
                "details": [
                    {"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": "UNREGISTERED"}
                ],
            }
        },
    )
    _fcm_device(user)
    assert delivery_send(delivery_id=_push_delivery(user, other_user).id) == "failed"
    device = PushDevice.objects.get()
    assert (device.is_active, device.consecutive_failures) == (False, 1)
    assert "UNREGISTERED" in device.last_error


def test_fcm_transient_errors_deactivate_after_three_in_a_row(user, other_user, fcm):
    fcm.post(FCM_SEND_URL, status=503, json={"error": {"code": 503, "status": "UNAVAILABLE"}})
    _fcm_device(user)
    for expected_active in (True, True, False):
        assert delivery_send(delivery_id=_push_delivery(user, other_user).id) == "failed"
        assert PushDevice.objects.get().is_active is expected_active
    device = PushDevice.objects.get()
    assert (device.consecutive_failures, device.last_error) == (3, "fcm 503 UNAVAILABLE")


def test_fcm_success_resets_the_failure_streak(user, other_user, fcm):
    fcm.post(FCM_SEND_URL, status=500, json={"error": {"code": 500, "status": "INTERNAL"}})
    fcm.post(FCM_SEND_URL, status=500, json={"error": {"code": 500, "status": "INTERNAL"}})
    fcm.post(FCM_SEND_URL, json={"name": "ok"})
    _fcm_device(user)
    for i in range(3):
        n = notification_send(recipient=user, type="mention", actor=other_user, target=post_ref(i))
        delivery_send(delivery_id=NotificationDelivery.objects.get(notification=n, channel="push").id)
    device = PushDevice.objects.get()
    assert (device.is_active, device.consecutive_failures) == (True, 0)


# --- Web Push ------------------------------------------------------------------------------------
def _webpush_device(user):
    sub = _subscription()
    return push_device_register(
        user=user, kind="webpush", token=sub["endpoint"], p256dh=sub["keys"]["p256dh"], auth=sub["keys"]["auth"]
    )


def test_web_push_is_encrypted_and_signed_with_vapid(user, other_user, vapid):
    vapid.post(WEBPUSH_ENDPOINT, status=201)
    _webpush_device(user)
    assert delivery_send(delivery_id=_push_delivery(user, other_user).id) == "sent"
    request = vapid.calls[0].request
    assert request.headers["Content-Encoding"] == "aes128gcm"
    assert request.headers["Authorization"].startswith("vapid t=")
    assert b"commented" not in request.body  # the payload is end-to-end encrypted


def test_web_push_gone_subscription_is_deactivated_at_once(user, other_user, vapid):
    vapid.post(WEBPUSH_ENDPOINT, status=410, body="subscription expired")
    _webpush_device(user)
    assert delivery_send(delivery_id=_push_delivery(user, other_user).id) == "failed"
    device = PushDevice.objects.get()
    assert device.is_active is False and device.deactivated_at is not None


def test_web_push_server_errors_count_towards_three(user, other_user, vapid):
    vapid.post(WEBPUSH_ENDPOINT, status=500)
    _webpush_device(user)
    for i in range(3):
        n = notification_send(recipient=user, type="mention", actor=other_user, target=post_ref(i))
        delivery_send(delivery_id=NotificationDelivery.objects.get(notification=n, channel="push").id)
        assert PushDevice.objects.get().is_active is (i < 2)


# --- not configured -------------------------------------------------------------------------------
def test_without_fcm_or_vapid_push_is_recorded_as_skipped(user, other_user, settings):
    settings.FCM_PROJECT_ID = ""
    settings.VAPID_PRIVATE_KEY = ""
    _fcm_device(user)
    _webpush_device(user)
    with responses.RequestsMock() as rsps:  # any HTTP call would fail the test
        delivery = _push_delivery(user, other_user)
        assert delivery_send(delivery_id=delivery.id) == "skipped"
        assert len(rsps.calls) == 0
    delivery.refresh_from_db()
    assert delivery.detail == "push provider not configured (2)"
    assert PushDevice.objects.filter(is_active=True).count() == 2
