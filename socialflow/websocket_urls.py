"""Websocket routes under /ws/: each app with sockets contributes `routing.websocket_urlpatterns`."""

from importlib import import_module

WEBSOCKET_APPS = ["notifications", "livestream"]


def websocket_urlpatterns():
    patterns = []
    for app in WEBSOCKET_APPS:
        try:
            module = import_module(f"{app}.routing")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.routing":
                raise
            continue
        patterns.extend(module.websocket_urlpatterns)
    return patterns
