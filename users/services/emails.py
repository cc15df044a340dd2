"""Account emails (verification, reset, security alerts) leave after commit through one Celery task.

The notifications app sits above `users` and cannot be called from here, so security alerts are
plain emails; the in-app copy of them is left to the notifications layer (see docs/users.md).
"""

from users.models import User

TEMPLATES = {
    "verify_email",
    "email_already_registered",
    "password_reset",
    "password_changed",
    "new_login",
    "two_factor_changed",
    "account_deletion_scheduled",
    "data_export_ready",
}


def account_email_send(*, user: User, template: str, context: dict | None = None) -> None:
    """Queue `template` for `user` once the current transaction commits (nothing leaks on rollback)."""
    from users.tasks import account_email_task

    if template not in TEMPLATES:
        raise ValueError(f"unknown account email template {template!r}")
    account_email_task.delay_on_commit(str(user.pk), template, context or {})
