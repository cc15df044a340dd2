"""Authorization matrix: every object route the URL resolver knows under /api/v1 (any route with a path
parameter), called on an object owned by user A by user B, an anonymous client and a suspended user.

The table classifies each (method, route) once. A route that appears in the resolver but not in the
table fails the test until someone classifies it, so new routes are covered as they are added.

Expected values: a status code (404: B may not know it exists; 401: sign in first; 403: refused,
the thing is known), or "ok" (the caller may do this: public reads, following, liking a public post).
Suspended accounts present a real access token, so the authentication layer is what refuses them.
"""

import re

import pytest
from django.urls import URLResolver, get_resolver
from rest_framework.test import APIClient

from tests.reliability.world import bearer

pytestmark = pytest.mark.django_db

# route key → (object key in the world for the path id, {other, anon, suspended})
# Object keys: private_post/private_video are A's private items (hidden from everyone else).
P = "private_post"
# Undoing a relationship that does not exist: the caller's own state, 404 "you are not blocking/muting".
NOTHING_TO_UNDO = 404
V = "private_video"
M = {
    # users: sessions, API keys and exports are A's own
    ("DELETE", "auth/sessions/{pk}"): ("session", {"other": 404, "anon": 401, "suspended": 403}),
    ("DELETE", "auth/api-keys/{pk}"): ("api_key", {"other": 404, "anon": 401, "suspended": 403}),
    ("GET", "users/me/exports/{export_id}"): ("export", {"other": 404, "anon": 401, "suspended": 403}),
    ("GET", "users/me/exports/{export_id}/download"): ("export", {"other": 404, "anon": 401, "suspended": 403}),
    # profiles are public; the graph actions are the caller's own relationship with A
    ("GET", "users/{pk}"): ("owner", {"other": "ok", "anon": "ok", "suspended": 403}),
    ("POST", "users/{pk}/block"): ("owner", {"other": "ok", "anon": 401, "suspended": 403}),
    ("DELETE", "users/{pk}/block"): ("owner", {"other": NOTHING_TO_UNDO, "anon": 401, "suspended": 403}),
    ("POST", "users/{pk}/mute"): ("owner", {"other": "ok", "anon": 401, "suspended": 403}),
    ("DELETE", "users/{pk}/mute"): ("owner", {"other": NOTHING_TO_UNDO, "anon": 401, "suspended": 403}),
    ("POST", "users/{pk}/follow"): ("owner", {"other": "ok", "anon": 401, "suspended": 403}),
    ("DELETE", "users/{pk}/follow"): ("owner", {"other": "ok", "anon": 401, "suspended": 403}),
    ("DELETE", "users/{pk}/follower"): ("owner", {"other": "ok", "anon": 401, "suspended": 403}),
    ("GET", "users/{pk}/followers"): ("owner", {"other": "ok", "anon": "ok", "suspended": 403}),
    ("GET", "users/{pk}/following"): ("owner", {"other": "ok", "anon": "ok", "suspended": 403}),
    ("GET", "users/{pk}/relationship"): ("owner", {"other": "ok", "anon": 401, "suspended": 403}),
    ("GET", "users/{user_id}/tiers"): ("owner", {"other": "ok", "anon": "ok", "suspended": 403}),
    # follow requests sent to A: only A answers them
    ("POST", "follow-requests/{pk}/accept"): ("follow_request", {"other": 404, "anon": 401, "suspended": 403}),
    ("POST", "follow-requests/{pk}/reject"): ("follow_request", {"other": 404, "anon": 401, "suspended": 403}),
    # notifications: A's inbox
    ("GET", "notifications/{pk}"): ("notification", {"other": 404, "anon": 401, "suspended": 403}),
    ("DELETE", "notifications/{pk}"): ("notification", {"other": 404, "anon": 401, "suspended": 403}),
    ("POST", "notifications/{pk}/accept"): ("notification", {"other": 404, "anon": 401, "suspended": 403}),
    ("POST", "notifications/{pk}/dismiss"): ("notification", {"other": 404, "anon": 401, "suspended": 403}),
    ("POST", "notifications/{pk}/read"): ("notification", {"other": 404, "anon": 401, "suspended": 403}),
    # payments: tiers are public offers; subscriptions, tips and payouts are private records
    ("GET", "tiers/{pk}"): ("tier", {"other": "ok", "anon": "ok", "suspended": 403}),
    ("PATCH", "tiers/{pk}"): ("tier", {"other": 404, "anon": 401, "suspended": 403}),
    ("GET", "subscriptions/{pk}"): ("subscription", {"other": 404, "anon": 401, "suspended": 403}),
    ("POST", "subscriptions/{pk}/cancel"): ("subscription", {"other": 404, "anon": 401, "suspended": 403}),
    ("POST", "subscriptions/{pk}/change-tier"): ("subscription", {"other": 404, "anon": 401, "suspended": 403}),
    ("POST", "subscriptions/{pk}/resume"): ("subscription", {"other": 404, "anon": 401, "suspended": 403}),
    ("GET", "tips/{pk}"): ("tip", {"other": 404, "anon": 401, "suspended": 403}),
    ("GET", "payouts/{pk}"): ("payout", {"other": 404, "anon": 401, "suspended": 403}),
    # content: A's private post and video are hidden from everyone else, whatever the action
    ("GET", "posts/{pk}"): (P, {"other": 404, "anon": 404, "suspended": 403}),
    ("PATCH", "posts/{pk}"): (P, {"other": 404, "anon": 401, "suspended": 403}),
    ("DELETE", "posts/{pk}"): (P, {"other": 404, "anon": 401, "suspended": 403}),
    ("GET", "posts/{pk}/history"): (P, {"other": 404, "anon": 404, "suspended": 403}),
    ("GET", "posts/{pk}/quotes"): (P, {"other": 404, "anon": 404, "suspended": 403}),
    ("POST", "posts/{pk}/repost"): (P, {"other": 404, "anon": 401, "suspended": 403}),
    # the caller's own repost; idempotent 204 for any id, so it tells nothing about A's post
    ("DELETE", "posts/{pk}/repost"): (P, {"other": 204, "anon": 401, "suspended": 403}),
    ("GET", "posts/{pk}/comments"): (P, {"other": 404, "anon": 404, "suspended": 403}),
    ("POST", "posts/{pk}/comments"): (P, {"other": 404, "anon": 401, "suspended": 403}),
    ("POST", "posts/{pk}/like"): (P, {"other": 404, "anon": 401, "suspended": 403}),
    ("DELETE", "posts/{pk}/like"): (P, {"other": 404, "anon": 401, "suspended": 403}),
    ("GET", "posts/{pk}/likes"): (P, {"other": 404, "anon": 404, "suspended": 403}),
    ("POST", "posts/{pk}/save"): (P, {"other": 404, "anon": 401, "suspended": 403}),
    ("DELETE", "posts/{pk}/save"): (P, {"other": 404, "anon": 401, "suspended": 403}),
    ("GET", "videos/{pk}"): (V, {"other": 404, "anon": 404, "suspended": 403}),
    ("PATCH", "videos/{pk}"): (V, {"other": 404, "anon": 401, "suspended": 403}),
    ("DELETE", "videos/{pk}"): (V, {"other": 404, "anon": 401, "suspended": 403}),
    ("GET", "videos/{pk}/analytics"): (V, {"other": 404, "anon": 401, "suspended": 403}),
    ("POST", "videos/{pk}/retry"): (V, {"other": 404, "anon": 401, "suspended": 403}),
    ("GET", "videos/{pk}/stream"): (V, {"other": 404, "anon": 404, "suspended": 403}),
    ("GET", "videos/{pk}/upload"): (V, {"other": 404, "anon": 401, "suspended": 403}),
    ("DELETE", "videos/{pk}/upload"): (V, {"other": 404, "anon": 401, "suspended": 403}),
    ("POST", "videos/{pk}/upload/complete"): (V, {"other": 404, "anon": 401, "suspended": 403}),
    ("POST", "videos/{pk}/views"): (V, {"other": 404, "anon": 404, "suspended": 403}),
    ("GET", "videos/{pk}/comments"): (V, {"other": 404, "anon": 404, "suspended": 403}),
    ("POST", "videos/{pk}/comments"): (V, {"other": 404, "anon": 401, "suspended": 403}),
    ("POST", "videos/{pk}/like"): (V, {"other": 404, "anon": 401, "suspended": 403}),
    ("DELETE", "videos/{pk}/like"): (V, {"other": 404, "anon": 401, "suspended": 403}),
    ("GET", "videos/{pk}/likes"): (V, {"other": 404, "anon": 404, "suspended": 403}),
    ("POST", "videos/{pk}/save"): (V, {"other": 404, "anon": 401, "suspended": 403}),
    ("DELETE", "videos/{pk}/save"): (V, {"other": 404, "anon": 401, "suspended": 403}),
    # hashtags are public pages, not owned
    ("GET", "hashtags/{name}"): ("hashtag", {"other": "ok", "anon": "ok", "suspended": 403}),
    ("GET", "hashtags/{name}/posts"): ("hashtag", {"other": "ok", "anon": "ok", "suspended": 403}),
    ("GET", "hashtags/{name}/videos"): ("hashtag", {"other": "ok", "anon": "ok", "suspended": 403}),
    # social: A's comment on A's public post (known to B: owner-only actions are 403); A's collection
    ("GET", "comments/{pk}"): ("comment", {"other": "ok", "anon": "ok", "suspended": 403}),
    ("PATCH", "comments/{pk}"): ("comment", {"other": 403, "anon": 401, "suspended": 403}),
    ("DELETE", "comments/{pk}"): ("comment", {"other": 403, "anon": 401, "suspended": 403}),
    ("POST", "comments/{pk}/like"): ("comment", {"other": "ok", "anon": 401, "suspended": 403}),
    ("DELETE", "comments/{pk}/like"): ("comment", {"other": "ok", "anon": 401, "suspended": 403}),
    ("GET", "comments/{pk}/likes"): ("comment", {"other": "ok", "anon": "ok", "suspended": 403}),
    ("POST", "comments/{pk}/pin"): ("comment", {"other": 403, "anon": 401, "suspended": 403}),
    ("DELETE", "comments/{pk}/pin"): ("comment", {"other": 403, "anon": 401, "suspended": 403}),
    ("GET", "comments/{pk}/replies"): ("comment", {"other": "ok", "anon": "ok", "suspended": 403}),
    ("PATCH", "collections/{pk}"): ("collection", {"other": 404, "anon": 401, "suspended": 403}),
    ("DELETE", "collections/{pk}"): ("collection", {"other": 404, "anon": 401, "suspended": 403}),
    # livestream: A's live public stream; watching and chatting are open, running it is A's
    # (the stream is public, so B is refused with 403 rather than told it does not exist)
    ("GET", "streams/{pk}"): ("stream", {"other": "ok", "anon": "ok", "suspended": 403}),
    ("PATCH", "streams/{pk}"): ("stream", {"other": 403, "anon": 401, "suspended": 403}),
    ("DELETE", "streams/{pk}"): ("stream", {"other": 403, "anon": 401, "suspended": 403}),
    ("GET", "streams/{pk}/analytics"): ("stream", {"other": 403, "anon": 401, "suspended": 403}),
    ("POST", "streams/{pk}/bans"): ("stream", {"other": 403, "anon": 401, "suspended": 403}),
    ("DELETE", "streams/{pk}/bans/{user_ref}"): ("stream", {"other": 403, "anon": 401, "suspended": 403}),
    ("GET", "streams/{pk}/chat"): ("stream", {"other": "ok", "anon": "ok", "suspended": 403}),
    ("POST", "streams/{pk}/chat"): ("stream", {"other": "ok", "anon": 401, "suspended": 403}),
    ("POST", "streams/{pk}/chat/clear"): ("stream", {"other": 403, "anon": 401, "suspended": 403}),
    ("DELETE", "streams/{pk}/chat/{message_id}"): ("stream", {"other": 403, "anon": 401, "suspended": 403}),
    ("POST", "streams/{pk}/chat/{message_id}/pin"): ("stream", {"other": 403, "anon": 401, "suspended": 403}),
    ("PATCH", "streams/{pk}/chat-settings"): ("stream", {"other": 403, "anon": 401, "suspended": 403}),
    ("DELETE", "streams/{pk}/pin"): ("stream", {"other": 403, "anon": 401, "suspended": 403}),
    ("POST", "streams/{pk}/end"): ("stream", {"other": 403, "anon": 401, "suspended": 403}),
    ("GET", "streams/{pk}/key"): ("stream", {"other": 403, "anon": 401, "suspended": 403}),
    ("GET", "streams/{pk}/moderation-log"): ("stream", {"other": 403, "anon": 401, "suspended": 403}),
    ("GET", "streams/{pk}/moderators"): ("stream", {"other": 403, "anon": 401, "suspended": 403}),
    ("POST", "streams/{pk}/moderators"): ("stream", {"other": 403, "anon": 401, "suspended": 403}),
    ("DELETE", "streams/{pk}/moderators/{user_ref}"): ("stream", {"other": 403, "anon": 401, "suspended": 403}),
    ("POST", "streams/{pk}/rotate-key"): ("stream", {"other": 403, "anon": 401, "suspended": 403}),
    ("POST", "streams/{pk}/start"): ("stream", {"other": 403, "anon": 401, "suspended": 403}),
    ("POST", "streams/{pk}/timeouts"): ("stream", {"other": 403, "anon": 401, "suspended": 403}),
    # ads: A's campaigns and creatives are A's business
    ("GET", "ads/campaigns/{pk}"): ("campaign", {"other": 404, "anon": 401, "suspended": 403}),
    ("PATCH", "ads/campaigns/{pk}"): ("campaign", {"other": 404, "anon": 401, "suspended": 403}),
    ("POST", "ads/campaigns/{pk}/activate"): ("campaign", {"other": 404, "anon": 401, "suspended": 403}),
    ("GET", "ads/campaigns/{pk}/ads"): ("campaign", {"other": 404, "anon": 401, "suspended": 403}),
    ("POST", "ads/campaigns/{pk}/ads"): ("campaign", {"other": 404, "anon": 401, "suspended": 403}),
    ("POST", "ads/campaigns/{pk}/pause"): ("campaign", {"other": 404, "anon": 401, "suspended": 403}),
    ("GET", "ads/campaigns/{pk}/report"): ("campaign", {"other": 404, "anon": 401, "suspended": 403}),
    ("POST", "ads/campaigns/{pk}/resume"): ("campaign", {"other": 404, "anon": 401, "suspended": 403}),
    ("GET", "ads/ads/{pk}"): ("creative", {"other": 404, "anon": 401, "suspended": 403}),
    ("PATCH", "ads/ads/{pk}"): ("creative", {"other": 404, "anon": 401, "suspended": 403}),
    ("POST", "ads/ads/{pk}/submit"): ("creative", {"other": 404, "anon": 401, "suspended": 403}),
}

# Path-parameter routes that are not objects anyone owns, with the reason.
NOT_OBJECT_ROUTES = {
    ("POST", "auth/social/{provider}"): "provider name (google|facebook), a sign-in entry point",
    ("GET", "ads/click/{token}"): "signed click token; the signature is the authorization (ads tests)",
}


def _route_key(route: str) -> str:
    route = route.removeprefix("api/v1/").lstrip("^").rstrip("$")
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route)
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern), p


def object_routes() -> list[tuple[str, str]]:
    """Every (METHOD, route) under /api/v1 whose path has a parameter, from the live resolver."""
    found = set()
    for route, pattern in _walk(get_resolver().url_patterns):
        if not route.startswith("api/v1/") or ("<" not in route and "(?P" not in route):
            continue
        callback = pattern.callback
        actions = getattr(callback, "actions", None)
        if actions:
            # DRF adds "head" to a route's actions (mirroring "get") the first time the route serves a
            # request, so the set depends on what ran before; HEAD is GET without a body anyway.
            methods = [m for m in actions if m not in ("head", "options")]
        else:
            view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
            methods = [m for m in ("get", "post", "put", "patch", "delete") if hasattr(view, m)]
        for method in methods:
            found.add((method.upper(), _route_key(route)))
    return sorted(found)


def _url(world, key: str, obj_key: str) -> str:
    o = world.objects
    values = {
        "pk": None,
        "export_id": o["export"].pk,
        "user_id": world.owner.pk,
        "name": "climbing",
        "message_id": o["chat_message"].pk,
        "user_ref": o["fan"].username,
    }
    target = {"owner": world.owner, "hashtag": "climbing"}.get(obj_key) or o[obj_key]
    values["pk"] = getattr(target, "pk", target)

    def sub(match):
        return str(values[match.group(1)])

    return "/api/v1/" + re.sub(r"\{(\w+)\}", sub, key)


# Bodies valid enough that a refusal is about who asks, not what was sent.
BODIES = {
    "posts/{pk}/comments": {"text": "hello"},
    "videos/{pk}/comments": {"text": "hello"},
    "streams/{pk}/chat": {"body": "hello"},
    "streams/{pk}/bans": {"user": "wfan"},
    "streams/{pk}/timeouts": {"user": "wfan", "minutes": 5},
    "streams/{pk}/moderators": {"user": "wfan"},
    "subscriptions/{pk}/change-tier": {"tier": "00000000-0000-0000-0000-000000000000"},
    "videos/{pk}/views": {"position_seconds": 1, "watched_seconds": 1},
    "comments/{pk}": {"text": "edited"},
}


def test_every_object_route_is_classified():
    missing = [r for r in object_routes() if r not in M and r not in NOT_OBJECT_ROUTES]
    stale = [r for r in M if r not in object_routes()]
    assert not missing, f"classify it: add these routes to the authorization matrix: {missing}"
    assert not stale, f"routes in the matrix that no longer exist: {stale}"


def test_refusals_for_other_users_anonymous_and_suspended(world):
    clients = {"other": APIClient(), "anon": APIClient(), "suspended": APIClient()}
    clients["other"].credentials(HTTP_AUTHORIZATION=f"Bearer {bearer(world.other)}")
    from users.models import User

    User.objects.filter(pk=world.suspended.pk).update(status=User.Status.ACTIVE)
    token = bearer(world.suspended)
    User.objects.filter(pk=world.suspended.pk).update(status=User.Status.SUSPENDED)
    clients["suspended"].credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    mismatches = []
    # B blocking A hides A from B: run it last so the other graph calls see no block.
    for method, key in sorted(object_routes(), key=lambda r: r == ("POST", "users/{pk}/block")):
        if (method, key) in NOT_OBJECT_ROUTES:
            continue
        obj_key, expected = M[(method, key)]
        url = _url(world, key, obj_key)
        for who in ("anon", "suspended", "other"):
            body = BODIES.get(key, {}) if method in ("POST", "PATCH", "PUT") else None
            response = getattr(clients[who], method.lower())(url, body, format="json")
            want = expected[who]
            got = response.status_code
            if (want == "ok" and got >= 400) or (want != "ok" and got != want):
                mismatches.append(
                    f"{method} /api/v1/{key} as {who}: expected {want}, got {got} {response.content[:160]!r}"
                )
            if want != "ok" and want >= 400 and got < 400:
                mismatches.append(f"{method} /api/v1/{key} as {who}: ACCEPTED ({got})")
    assert not mismatches, "\n" + "\n".join(mismatches)
