"""Kernel middleware: request ids, a body-size guard, and security headers for every response."""

import re
import uuid

from django.conf import settings

from core.error_handler import problem_response
from core.logging import set_request_id

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Accept a well-formed `X-Request-ID` from the proxy (so one id spans the stack), else make one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        # Not reset on the way out: Django logs the response (django.request) after the middleware
        # chain returns, and that line should carry the id too. The next request overwrites it.
        set_request_id(request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class BodySizeLimitMiddleware:
    """Refuse oversized bodies with 413 before anything reads them.

    Views that stream large bodies (video part uploads) declare a larger allowance with the
    `allow_large_body` attribute and check their own limit.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        limit = getattr(view_func, "max_body_bytes", None) or settings.MAX_REQUEST_BODY_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return problem_response(400, "bad_request", "Bad request", "Invalid Content-Length header.")
        if length > limit:
            return problem_response(
                413, "payload_too_large", "Request body too large", f"The request body exceeds {limit} bytes."
            )
        return None


# The dashboard and admin are our own pages: scripts and styles only from our origin.
_CSP = (
    "default-src 'self'; img-src 'self' data: blob: https:; media-src 'self' blob: https:; "
    "style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self' ws: wss: https:; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
)


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set: CSP on HTML, and no shared caching of
    anything personal (an authenticated response must never be served to another user by a cache)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if content_type.startswith("text/html") and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = _CSP
        personal = "HTTP_AUTHORIZATION" in request.META or (hasattr(request, "user") and request.user.is_authenticated)
        if personal:
            response["Cache-Control"] = "private, no-store"
            vary = {v.strip() for v in response.get("Vary", "").split(",") if v.strip()}
            response["Vary"] = ", ".join(sorted(vary | {"Authorization", "Cookie"}))
        response.setdefault("X-Content-Type-Options", "nosniff")
        if "X-Frame-Options" not in response:
            response["X-Frame-Options"] = "DENY"
        return response
