"""The errors services raise. The API's exception handler turns each into the one JSON error shape.

Services never raise DRF exceptions (they are called from admin actions, tasks and consumers too);
they raise these, and every interface translates them in one place.
"""


class ApplicationError(Exception):
    status_code = 400
    code = "bad_request"
    title = "Bad request"

    def __init__(self, detail: str | None = None, *, errors: dict | None = None, code: str | None = None):
        self.detail = detail or self.title
        self.errors = errors or {}
        if code:
            self.code = code
        super().__init__(self.detail)


class ValidationFailed(ApplicationError):
    status_code = 400
    code = "validation_error"
    title = "Invalid input"


class NotAuthenticated(ApplicationError):
    status_code = 401
    code = "not_authenticated"
    title = "Authentication required"


class PermissionDenied(ApplicationError):
    status_code = 403
    code = "permission_denied"
    title = "Permission denied"


class NotFound(ApplicationError):
    status_code = 404
    code = "not_found"
    title = "Not found"


class Conflict(ApplicationError):
    status_code = 409
    code = "conflict"
    title = "Conflict"


class PayloadTooLarge(ApplicationError):
    status_code = 413
    code = "payload_too_large"
    title = "Request body too large"


class Unprocessable(ApplicationError):
    status_code = 422
    code = "unprocessable"
    title = "Unprocessable request"


class RateLimited(ApplicationError):
    status_code = 429
    code = "rate_limited"
    title = "Too many requests"

    def __init__(self, detail: str | None = None, *, retry_after: int | None = None, **kwargs):
        self.retry_after = retry_after
        super().__init__(detail, **kwargs)


class ServiceUnavailable(ApplicationError):
    status_code = 503
    code = "service_unavailable"
    title = "Service unavailable"
