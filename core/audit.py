"""Writing to the append-only audit log. Services call this inside their own transaction, so the
entry exists exactly when the action it records committed."""

from core.models import AuditLogEntry


def audit_record(*, actor, action: str, target=None, reason: str = "", data: dict | None = None) -> AuditLogEntry:
    fields = {}
    if target is not None:
        meta = target._meta
        fields = {
            "target_app": meta.app_label,
            "target_kind": meta.model_name,
            "target_id": str(target.pk),
            "target_repr": str(target)[:255],
        }
    return AuditLogEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        reason=reason,
        data=data or {},
        **fields,
    )
