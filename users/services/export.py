"""Data export: a Celery job writes a JSON archive of the account's data, downloadable by its owner.

Apps above `users` contribute their own sections through DATA_EXPORT_PROVIDERS (dotted paths to
`callable(user) -> (name, json-serialisable data)`), so this module never imports upward.
"""

import io
import json
import logging
import zipfile

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from core.exceptions import Conflict
from users.models import AccountEvent, ApiKey, Block, DataExport, Follow, Mute, User, UserSession
from users.services.emails import account_email_send

logger = logging.getLogger("socialflow.users")
PROFILE_FIELDS = (
    "id", "email", "username", "display_name", "bio", "website", "location", "country", "language",
    "birth_date", "timezone", "role", "status", "is_private", "created_at", "email_verified_at",
    "followers_count", "following_count", "posts_count", "videos_count",
)  # fmt: skip


@transaction.atomic
def data_export_request(*, user: User) -> DataExport:
    if DataExport.objects.filter(user=user, status=DataExport.Status.PENDING).exists():
        raise Conflict("An export is already being prepared.", code="export_pending")
    export = DataExport.objects.create(user=user)
    from users.tasks import data_export_build_task

    data_export_build_task.delay_on_commit(str(export.pk))
    return export


def _users_sections(user: User) -> dict:
    profile = {}
    for name in PROFILE_FIELDS:
        value = getattr(user, name)
        profile[name] = value.isoformat() if hasattr(value, "isoformat") else (str(value) if name == "id" else value)
    return {
        "profile": profile,
        "following": [
            str(u) for u in Follow.objects.filter(follower=user).values_list("following__username", flat=True)
        ],
        "followers": [
            str(u) for u in Follow.objects.filter(following=user).values_list("follower__username", flat=True)
        ],
        "blocks": list(Block.objects.filter(blocker=user).values_list("blocked__username", flat=True)),
        "mutes": list(Mute.objects.filter(muter=user).values_list("muted__username", flat=True)),
        "sessions": [
            {"created_at": s.created_at.isoformat(), "user_agent": s.user_agent, "ip": s.ip_address, "method": s.method}
            for s in UserSession.objects.filter(user=user).order_by("id")
        ],
        "api_keys": [
            {"name": k.name, "scopes": k.scopes, "created_at": k.created_at.isoformat()}
            for k in ApiKey.objects.filter(user=user).order_by("id")
        ],
        "account_events": [
            {"kind": e.kind, "from": e.from_value, "to": e.to_value, "at": e.created_at.isoformat()}
            for e in AccountEvent.objects.filter(user=user).order_by("id")
        ],
    }


def data_export_build(*, export_id) -> DataExport | None:
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.status != DataExport.Status.PENDING:
        return export
    user = export.user
    try:
        sections = _users_sections(user)
        for path in settings.DATA_EXPORT_PROVIDERS:
            name, data = import_string(path)(user)
            sections[name] = data
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data in sections.items():
                archive.writestr(f"{name}.json", json.dumps(data, indent=2, default=str, ensure_ascii=False))
        content = buffer.getvalue()
    except Exception:
        logger.exception("data export %s failed", export_id)
        DataExport.objects.filter(pk=export.pk).update(
            status=DataExport.Status.FAILED, error="The export could not be built.", finished_at=timezone.now()
        )
        raise
    with transaction.atomic():
        export.file.save(f"socialflow-export-{user.pk.hex}-{export.pk.hex[-8:]}.zip", ContentFile(content), save=False)
        export.status = DataExport.Status.READY
        export.size_bytes = len(content)
        export.finished_at = timezone.now()
        export.save(update_fields=["file", "status", "size_bytes", "finished_at", "updated_at"])
        account_email_send(user=user, template="data_export_ready", context={"export_id": str(export.pk)})
    return export
