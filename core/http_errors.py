"""Django-level 404/500 handlers: API paths answer in the JSON error shape, pages stay HTML."""

from django.views import defaults

from core.error_handler import problem_response


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    if _is_api(request):
        return problem_response(404, "not_found", "Not found", "No such resource.")
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return problem_response(500, "server_error", "Server error", "Something went wrong on our side.")
    return defaults.server_error(request)
