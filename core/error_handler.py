"""One JSON error shape for every API error (RFC 7807 style).

    {"type": "urn:socialflow:error:validation_error", "title": "Invalid input", "status": 400,
     "detail": "...", "errors": {"field": ["message", ...]}, "request_id": "..."}

Unhandled exceptions become a generic 500 with the request id; the traceback goes to the log only.
"""

import logging
import math

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError
from django.http import Http404, JsonResponse
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error

from core import exceptions as app
from core.logging import current_request_id

logger = logging.getLogger("socialflow.errors")

_DRF_TITLES = {
    drf.ValidationError: ("validation_error", "Invalid input"),
    drf.ParseError: ("parse_error", "Malformed request body"),
    drf.AuthenticationFailed: ("authentication_failed", "Authentication failed"),
    drf.NotAuthenticated: ("not_authenticated", "Authentication required"),
    drf.PermissionDenied: ("permission_denied", "Permission denied"),
    drf.NotFound: ("not_found", "Not found"),
    drf.MethodNotAllowed: ("method_not_allowed", "Method not allowed"),
    drf.NotAcceptable: ("not_acceptable", "Not acceptable"),
    drf.UnsupportedMediaType: ("unsupported_media_type", "Unsupported media type"),
    drf.Throttled: ("rate_limited", "Too many requests"),
}


def problem(status: int, code: str, title: str, detail: str, errors: dict | None = None) -> dict:
    return {
        "type": f"urn:socialflow:error:{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "errors": errors or {},
        "request_id": current_request_id(),
    }


def problem_response(status: int, code: str, title: str, detail: str, errors=None) -> JsonResponse:
    """For code outside DRF views (middleware, plain Django views) that must answer in the same shape."""
    return JsonResponse(problem(status, code, title, detail, errors), status=status)


def _field_errors(data) -> tuple[str | None, dict]:
    """Split DRF error detail into a top-level message and a {field: [messages]} map."""
    if isinstance(data, list):
        return (str(data[0]) if data else None), {}
    if not isinstance(data, dict):
        return str(data), {}
    errors, detail = {}, None
    for field, messages in data.items():
        flat = _flatten(messages)
        if field in ("non_field_errors", "__all__", "detail"):
            detail = flat[0] if flat else detail
            errors.setdefault("non_field_errors", []).extend(flat)
        else:
            errors[field] = flat
    return detail, errors


def _flatten(messages) -> list[str]:
    if isinstance(messages, dict):
        # Nested serializer: keep the path in the message so the client can point at the field.
        out = []
        for key, value in messages.items():
            out.extend(f"{key}: {m}" for m in _flatten(value))
        return out
    if isinstance(messages, list):
        out = []
        for m in messages:
            out.extend(_flatten(m) if isinstance(m, (list, dict)) else [str(m)])
        return out
    return [str(messages)]


def exception_handler(exc, context):
    headers = {}
    if isinstance(exc, app.ApplicationError):
        body = problem(
            exc.status_code, exc.code, exc.title, exc.detail, {k: _flatten(v) for k, v in exc.errors.items()}
        )
        if isinstance(exc, app.RateLimited) and exc.retry_after:
            headers["Retry-After"] = str(exc.retry_after)
        return Response(body, status=exc.status_code, headers=headers)

    if isinstance(exc, DjangoValidationError):
        exc = drf.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = drf.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        body = problem(413, "payload_too_large", "Request body too large", "The request body is too large.")
        return Response(body, status=413)

    if isinstance(exc, drf.APIException):
        code, title = "error", "Error"
        for cls, (c, t) in _DRF_TITLES.items():
            if isinstance(exc, cls):
                code, title = c, t
                break
        if isinstance(exc, drf.ValidationError):
            detail, errors = _field_errors(exc.detail)
            detail = detail or "One or more fields are invalid."
        else:
            detail, errors = _field_errors(exc.detail)
            detail = detail or title
        if isinstance(exc, drf.Throttled) and exc.wait is not None:
            headers["Retry-After"] = str(max(1, math.ceil(exc.wait)))
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        return Response(problem(exc.status_code, code, title, detail, errors), status=exc.status_code, headers=headers)

    if isinstance(exc, DatabaseError) and _is_unavailable(exc):
        logger.warning("database unavailable: %s", exc.__class__.__name__)
        body = problem(503, "service_unavailable", "Service unavailable", "The service is temporarily unavailable.")
        return Response(body, status=503, headers={"Retry-After": "5"})

    logger.exception("unhandled error in %s", context.get("view").__class__.__name__ if context else "?")
    body = problem(500, "server_error", "Server error", "Something went wrong on our side. Quote the request id.")
    return Response(body, status=500)


def _is_unavailable(exc) -> bool:
    from django.db import InterfaceError, OperationalError

    return isinstance(exc, (OperationalError, InterfaceError))
