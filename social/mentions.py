"""@mentions in comments, parsed by content's linear-time parser (one rule for posts and comments)."""

from django.db.models.functions import Lower

from content.parsing import parse
from users.models import User


def mentioned_users(text: str, *, limit: int) -> list[User]:
    """Visible accounts named in `text`, in order of first mention, at most `limit` (one query)."""
    names = parse(text).mentions[:limit]
    if not names:
        return []
    by_name = {u.lname: u for u in User.objects.visible().annotate(lname=Lower("username")).filter(lname__in=names)}
    return [by_name[n] for n in names if n in by_name]
