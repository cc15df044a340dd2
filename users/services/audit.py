"""The append-only account history: every status, role and security change says who and why."""

from users.models import AccountEvent, User


def account_event_record(
    *,
    user: User,
    kind: str,
    actor: User | None = None,
    from_value: str = "",
    to_value: str = "",
    reason: str = "",
    data: dict | None = None,
) -> AccountEvent:
    """Append one event. Call it inside the transaction of the change it records."""
    return AccountEvent.objects.create(
        user=user,
        actor=actor if actor is not None and actor.pk else None,
        kind=kind,
        from_value=str(from_value or ""),
        to_value=str(to_value or ""),
        reason=reason or "",
        data=data or {},
    )
