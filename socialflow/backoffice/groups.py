"""Staff roles as Django groups with model permissions, kept in sync after every `migrate`.

A role is a list of (app label, model-name filter, actions). Written as rules rather than a list of
codenames so a model added later to an app joins the right roles without touching this file.
"""

from django.contrib.auth.models import Group, Permission

ALL = ("view", "add", "change", "delete")

ROLES = {
    # Cases, content, chat and user sanctions.
    "Moderators": [
        ("social", "*", ("view", "change")),
        ("content", "*", ("view", "change")),
        ("livestream", "*", ("view", "change")),
        ("users", "user", ("view", "change")),
        ("core", "auditlogentry", ("view",)),
    ],
    # Creative review only.
    "Ad reviewers": [
        ("ads", "*", ("view",)),
        ("ads", "creative", ("change",)),
        ("ads", "ad", ("change",)),
        ("core", "auditlogentry", ("view",)),
    ],
    # Payments, payouts, refunds; the ledger is read-only for everyone (its admin refuses writes).
    "Finance": [
        ("payments", "*", ("view",)),
        ("payments", "payout", ("change",)),
        ("payments", "refund", ("add", "change")),
        ("core", "auditlogentry", ("view",)),
    ],
    "Admins": [("*", "*", ALL)],
}


def _matching(app_label: str, model: str, actions) -> list[Permission]:
    qs = Permission.objects.select_related("content_type")
    if app_label != "*":
        qs = qs.filter(content_type__app_label=app_label)
    if model != "*":
        qs = qs.filter(content_type__model=model)
    return [p for p in qs if p.codename.split("_", 1)[0] in actions]


def sync_staff_groups(**kwargs) -> dict[str, int]:
    """Create the role groups and set exactly their permissions. Idempotent; returns perms per group."""
    counts = {}
    for name, rules in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = {p.pk: p for rule in rules for p in _matching(*rule)}
        group.permissions.set(perms.values())
        counts[name] = len(perms)
    return counts
