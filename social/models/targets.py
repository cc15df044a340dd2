"""Rows that point at exactly one of several kinds of thing (a post, a video or a comment).

One table with nullable foreign keys rather than a generic (content type, object id) pair: the database
keeps referential integrity, each kind gets its own partial unique index, and joins stay plain.
"""

from django.db.models import Q


def exactly_one_of(*fields: str) -> Q:
    """A condition true when exactly one of `fields` is set (for a CheckConstraint)."""
    condition = Q()
    for chosen in fields:
        term = Q(**{f"{chosen}__isnull": False})
        for other in fields:
            if other != chosen:
                term &= Q(**{f"{other}__isnull": True})
        condition |= term
    return condition
