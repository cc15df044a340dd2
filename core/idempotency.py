"""Idempotency-Key for POST endpoints that create money movements or content (opt in per action).

The first request with a key runs; its response is stored for IDEMPOTENCY_KEY_TTL per (caller, key).
A repeat gets the stored response (with `Idempotent-Replayed: true`); the same key with a different
body is a 422; a repeat that arrives while the first is still running waits for it briefly and then
answers 409, so the effect can never happen twice. Responses of 5xx are not stored: the client may retry.

The claim row is inserted and committed *before* the view runs (requests are not atomic), so the
unique constraint on (scope, key) is what serialises concurrent duplicates across processes.
"""

import functools
import hashlib
import json
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.response import Response

from core.exceptions import Conflict, Unprocessable, ValidationFailed
from core.models import IdempotencyRecord

HEADER = "Idempotency-Key"


def _fingerprint(request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(request.path.encode())
    try:
        body = json.dumps(request.data, sort_keys=True, default=str)
    except Exception:  # noqa: BLE001 - unparseable data still needs a stable fingerprint
        body = repr(request.data)
    digest.update(body.encode())
    return digest.hexdigest()


def _scope(request) -> str:
    user = getattr(request, "user", None)
    return str(user.pk) if user is not None and user.is_authenticated else "anon"


def _claim(scope: str, key: str, fingerprint: str):
    """Insert the in-progress row; return (record, created)."""
    cutoff = timezone.now() - settings.IDEMPOTENCY_KEY_TTL
    IdempotencyRecord.objects.filter(scope=scope, key=key, created_at__lt=cutoff).delete()
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(scope=scope, key=key, request_fingerprint=fingerprint), True
    except IntegrityError:
        return IdempotencyRecord.objects.get(scope=scope, key=key), False


def _replay(record) -> Response:
    response = Response(record.response_body, status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(view_method):
    """Decorate a DRF view method (e.g. a ViewSet `create`) to honour the Idempotency-Key header."""

    @functools.wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if not key:
            return view_method(self, request, *args, **kwargs)
        if len(key) > 255:
            raise ValidationFailed(errors={HEADER: ["Must be at most 255 characters."]})
        scope, fingerprint = _scope(request), _fingerprint(request)
        record, created = _claim(scope, key, fingerprint)
        if not created:
            if record.request_fingerprint != fingerprint:
                raise Unprocessable("This Idempotency-Key was already used with a different request.")
            deadline = time.monotonic() + settings.IDEMPOTENCY_WAIT_SECONDS
            while record.state != IdempotencyRecord.State.DONE and time.monotonic() < deadline:
                time.sleep(0.05)
                try:
                    record.refresh_from_db()
                except IdempotencyRecord.DoesNotExist:
                    # The first attempt failed and released the key: this repeat may run.
                    return wrapper(self, request, *args, **kwargs)
            if record.state != IdempotencyRecord.State.DONE:
                raise Conflict("A request with this Idempotency-Key is still being processed.")
            return _replay(record)
        try:
            response = view_method(self, request, *args, **kwargs)
        except BaseException:
            record.delete()
            raise
        if response.status_code >= 500:
            record.delete()
            return response
        record.state = IdempotencyRecord.State.DONE
        record.status_code = response.status_code
        record.response_body = json.loads(json.dumps(response.data, default=str))
        record.save(update_fields=["state", "status_code", "response_body"])
        return response

    return wrapper
