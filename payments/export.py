"""The payments section of a person's data export (registered in DATA_EXPORT_PROVIDERS)."""

from payments.models import Subscription, Tip


def payments_export(user) -> tuple[str, dict]:
    return "payments", {
        "subscriptions": [
            {
                "creator": s.creator.username,
                "tier": s.tier.name,
                "status": s.status,
                "since": s.created_at.isoformat(),
                "paid_through": s.paid_through.isoformat() if s.paid_through else None,
            }
            for s in Subscription.objects.filter(fan=user).select_related("creator", "tier").order_by("id")
        ],
        "tips_sent": [
            {
                "creator": t.creator.username,
                "amount": t.amount,
                "currency": t.currency,
                "message": t.message,
                "status": t.status,
                "at": t.created_at.isoformat(),
            }
            for t in Tip.objects.filter(fan=user).select_related("creator").order_by("id")
        ],
        "tips_received": [
            {
                "from": t.fan.username,
                "amount": t.amount,
                "currency": t.currency,
                "status": t.status,
                "at": t.created_at.isoformat(),
            }
            for t in Tip.objects.filter(creator=user).select_related("fan").order_by("id")
        ],
    }
