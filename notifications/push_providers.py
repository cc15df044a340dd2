"""Sending one push message to one device: FCM HTTP v1 and Web Push (VAPID), for real.

Each sender returns a PushResult the delivery service turns into device bookkeeping: `invalid` means the
provider told us the token/subscription is dead (deactivate at once); any other failure counts towards
the consecutive-failure limit. With no credentials configured, `configured()` is False and delivery is
recorded as skipped rather than attempted.
"""

import json
import logging
import threading
from dataclasses import dataclass

import requests
from django.conf import settings

logger = logging.getLogger("socialflow.notifications.push")

FCM_SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
# FCM v1 error codes that mean "this registration token will never work again".
FCM_INVALID_CODES = {"UNREGISTERED", "INVALID_ARGUMENT", "SENDER_ID_MISMATCH"}


@dataclass(frozen=True)
class PushResult:
    ok: bool
    invalid: bool = False
    error: str = ""


# --- FCM HTTP v1 -----------------------------------------------------------------------------------
_fcm_lock = threading.Lock()
_fcm_credentials = None


def fcm_configured() -> bool:
    return bool(settings.FCM_PROJECT_ID and settings.FCM_SERVICE_ACCOUNT_FILE)


def reset_fcm_credentials() -> None:
    """Forget the cached OAuth credentials (settings changed, e.g. in tests)."""
    global _fcm_credentials
    with _fcm_lock:
        _fcm_credentials = None


def _fcm_access_token() -> str:
    """An OAuth2 access token for the service account, refreshed shortly before it expires."""
    global _fcm_credentials
    from google.auth.transport.requests import Request
    from google.oauth2 import service_account

    with _fcm_lock:
        if _fcm_credentials is None:
            _fcm_credentials = service_account.Credentials.from_service_account_file(
                settings.FCM_SERVICE_ACCOUNT_FILE, scopes=[FCM_SCOPE]
            )
        if not _fcm_credentials.valid:
            _fcm_credentials.refresh(Request())
        return _fcm_credentials.token


def _fcm_error_code(response) -> str:
    try:
        error = response.json().get("error", {})
    except ValueError:
        return ""
    for detail in error.get("details", []) or []:
        if detail.get("errorCode"):
            return detail["errorCode"]
    return error.get("status", "")


def send_fcm(device, message: dict) -> PushResult:
    """message: {"title", "body", "data": {str: str}}."""
    try:
        token = _fcm_access_token()
    except Exception as exc:  # google-auth raises several types; none of them is the device's fault
        logger.warning("FCM OAuth token refresh failed", exc_info=True)
        return PushResult(ok=False, error=f"oauth: {exc}"[:500])
    url = f"{settings.FCM_API_BASE}/v1/projects/{settings.FCM_PROJECT_ID}/messages:send"
    body = {
        "message": {
            "token": device.token,
            "notification": {"title": message["title"], "body": message["body"]},
            "data": {k: str(v) for k, v in message.get("data", {}).items()},
        }
    }
    try:
        response = requests.post(
            url, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=settings.PUSH_HTTP_TIMEOUT
        )
    except requests.RequestException as exc:
        return PushResult(ok=False, error=f"fcm transport: {exc}"[:500])
    if response.ok:
        return PushResult(ok=True)
    code = _fcm_error_code(response)
    invalid = code in FCM_INVALID_CODES or response.status_code == 404
    return PushResult(ok=False, invalid=invalid, error=f"fcm {response.status_code} {code}".strip())


# --- Web Push ----------------------------------------------------------------------------------------
def webpush_configured() -> bool:
    return bool(settings.VAPID_PRIVATE_KEY)


def send_webpush(device, message: dict) -> PushResult:
    from pywebpush import WebPushException, webpush

    subscription = {"endpoint": device.token, "keys": {"p256dh": device.p256dh, "auth": device.auth}}
    try:
        webpush(
            subscription_info=subscription,
            data=json.dumps(message),
            vapid_private_key=settings.VAPID_PRIVATE_KEY,
            vapid_claims={"sub": settings.VAPID_CLAIM_EMAIL},
            timeout=settings.PUSH_HTTP_TIMEOUT,
            ttl=24 * 3600,
        )
    except WebPushException as exc:
        status = getattr(exc.response, "status_code", None)
        # 404/410: the subscription expired or was unsubscribed; the push service will never take it again.
        return PushResult(ok=False, invalid=status in (404, 410), error=f"webpush {status}: {exc.message}"[:500])
    except (requests.RequestException, ValueError) as exc:
        return PushResult(ok=False, error=f"webpush: {exc}"[:500])
    return PushResult(ok=True)
