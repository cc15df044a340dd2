"""Turning "what the notification is about" into an opaque reference this low layer can store.

Callers pass a model instance from any app; we keep its app label, model name, primary key (as text)
and a short snapshot for display, so listing notifications never needs to import or join the apps above.
A model can shape its snapshot with `notification_snapshot() -> dict | str`; otherwise `str(instance)`.
"""

from dataclasses import dataclass, field

SNAPSHOT_TEXT_LIMIT = 140


@dataclass(frozen=True)
class TargetRef:
    app: str = ""
    kind: str = ""
    id: str = ""
    snapshot: dict = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.kind

    @property
    def key(self) -> str:
        return f"{self.app}.{self.kind}:{self.id}" if self.kind else ""

    def as_fields(self) -> dict:
        return {
            "target_app": self.app,
            "target_kind": self.kind,
            "target_id": self.id,
            "target_snapshot": self.snapshot,
        }


def _shorten(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= SNAPSHOT_TEXT_LIMIT else text[: SNAPSHOT_TEXT_LIMIT - 1] + "…"


def target_ref(target) -> TargetRef:
    if target is None:
        return TargetRef()
    if isinstance(target, TargetRef):
        return target
    meta = getattr(target, "_meta", None)
    if meta is None or getattr(target, "pk", None) is None:
        raise TypeError("target must be a saved model instance or None")
    make_snapshot = getattr(target, "notification_snapshot", None)
    raw = make_snapshot() if callable(make_snapshot) else str(target)
    if isinstance(raw, dict):
        snapshot = {k: _shorten(v) if isinstance(v, str) else v for k, v in raw.items()}
    else:
        snapshot = {"text": _shorten(raw)}
    return TargetRef(app=meta.app_label, kind=meta.model_name, id=str(target.pk), snapshot=snapshot)


def display_kind(notification) -> str:
    """What the event was about, in words: "post", "video", "comment"... Callers may say it in
    data["kind"] (a comment notification's target is the comment, but it is about a post)."""
    data = notification.data or {}
    snapshot = notification.target_snapshot or {}
    return data.get("kind") or snapshot.get("on") or notification.target_kind or "post"


def display_snapshot(notification) -> dict:
    """The snapshot with a `text` key whatever the target called it (posts: text, videos: title)."""
    snapshot = dict(notification.target_snapshot or {})
    snapshot.setdefault("text", snapshot.get("title", ""))
    if not snapshot["text"]:
        snapshot["text"] = snapshot.get("title", "")
    return snapshot
