"""`context=video:<id>` / `stream:<id>` on a serve request: whose content the ad runs beside.

The creator of that content earns ADS_CREATOR_REVENUE_SHARE_PERCENT of what the ad spends. The
getters are named in settings (the top layer) so this app can use livestream without importing it.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from core.exceptions import NotFound, ValidationFailed

PLACEMENT_FOR_KIND = {"video": "video_preroll", "stream": "stream_sidebar"}


def creator_for_context(*, viewer, context: str, placement: str):
    """The user beside whose content the ad runs, or None without a context. The viewer must be
    able to see that content (a hidden video is a 404, like everywhere else)."""
    if not context:
        return None
    kind, _, ident = context.partition(":")
    getter_path = settings.ADS_CONTEXT_GETTERS.get(kind)
    if getter_path is None or not ident:
        raise ValidationFailed(errors={"context": ["Use video:<id> or stream:<id>."]})
    if PLACEMENT_FOR_KIND.get(kind) != placement:
        raise ValidationFailed(
            errors={"context": [f"A {kind} context goes with placement={PLACEMENT_FOR_KIND[kind]}."]}
        )
    obj = import_string(getter_path)(viewer=viewer if getattr(viewer, "is_authenticated", False) else None, id=ident)
    if obj is None:
        raise NotFound(f"No such {kind}.")
    for attr in ("author", "host", "creator", "user"):
        owner = getattr(obj, attr, None)
        if owner is not None:
            return owner
    return None
