"""Celery tasks of the users app: take ids, call one service, own retries."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

logger = logging.getLogger("socialflow.users")


@shared_task(bind=True, max_retries=5, default_retry_delay=60, autoretry_for=(OSError,), retry_backoff=True)
def account_email_task(self, user_id: str, template: str, context: dict) -> bool:
    """Render users/email/<template>.txt (first line is the subject) and send it to the account."""
    from users.models import User

    user = User.objects.filter(pk=user_id).first()
    if user is None or user.anonymised_at is not None:
        return False
    text = render_to_string(
        f"users/email/{template}.txt", {**context, "user": user, "site_url": settings.SITE_URL}
    ).strip()
    subject, _, body = text.partition("\n")
    send_mail(subject.strip(), body.strip() + "\n", settings.DEFAULT_FROM_EMAIL, [user.email])
    return True


@shared_task(acks_late=True)
def suspensions_lift_expired_task() -> int:
    from users.services import suspensions_lift_expired

    return suspensions_lift_expired()


@shared_task(acks_late=True)
def accounts_anonymise_due_task() -> int:
    from users.services import accounts_anonymise_due

    return accounts_anonymise_due()


@shared_task(acks_late=True, bind=True, max_retries=3, default_retry_delay=30)
def data_export_build_task(self, export_id: str) -> None:
    from users.services import data_export_build

    data_export_build(export_id=export_id)


@shared_task(acks_late=True)
def auth_records_purge_task() -> int:
    from users.services.sessions import auth_records_purge

    return auth_records_purge()
