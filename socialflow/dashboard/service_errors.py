"""Turning a service's ApplicationError into something a dashboard page can show.

Services raise `core.exceptions.*` with a detail and per-field errors; forms show the field errors next to
their fields, and actions without a form flash the detail.
"""

from django.contrib import messages

from core.exceptions import ApplicationError


def form_add_service_error(form, exc: ApplicationError, *, field_map: dict | None = None) -> None:
    field_map = field_map or {}
    placed = False
    for name, problems in (exc.errors or {}).items():
        target = field_map.get(name, name)
        problems = problems if isinstance(problems, list | tuple) else [problems]
        if target in form.fields:
            for problem in problems:
                form.add_error(target, str(problem))
            placed = True
        else:
            for problem in problems:
                form.add_error(
                    None, f"{name}: {problem}" if name not in ("non_field_errors", "detail") else str(problem)
                )
            placed = True
    if not placed:
        form.add_error(None, exc.detail)


def flash_service_error(request, exc: ApplicationError) -> None:
    messages.error(request, exc.detail)
