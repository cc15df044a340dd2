"""Notifications are built by calling notification_send (state from side effects comes from services);
these helpers only name the opaque targets tests point them at."""

from notifications.targets import TargetRef


def post_ref(n: int = 1, text: str = "Sunset over the crag") -> TargetRef:
    """A post of the content app, as the opaque reference notifications stores (no import upward)."""
    return TargetRef(app="content", kind="post", id=f"post-{n}", snapshot={"text": text})
