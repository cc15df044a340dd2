"""Mass assignment: clients cannot set privileged or derived fields.

Two layers. Statically, every request body in the published schema (each writable serializer behind a
POST/PUT/PATCH/DELETE) is read for field names that look privileged; a new one fails the test until it
is removed or justified below. Behaviourally, the main write endpoints get those fields smuggled in and
the stored rows are read back: the values must not change (DRF drops undeclared fields; this proves no
view spreads request data past its serializer).
"""

import re

import pytest
from django.core.cache import cache
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from ads.models import Advertiser, Campaign, Creative
from content.models import Post, Video
from livestream.models import Stream
from payments.models import Tier
from social.models import Comment, SaveCollection
from tests.reliability.world import bearer
from users.models import User

pytestmark = pytest.mark.django_db

PRIVILEGED = re.compile(
    r"^(role|status|is_staff|is_superuser|is_active|.*_count|.*balance.*|.*spen[dt].*|charged.*|owner|author"
    r"|host|advertiser|creator_id|user_id|.*verified.*|stripe_.*|reviewed_.*|trending_score|published_at"
    r"|current_viewers|peak_viewers|deleted_.*|suspended_until|two_factor_enabled)$"
)

# (request component, field): why a client may send it.
JUSTIFIED: dict[tuple[str, str], str] = {
    ("TierInputRequest", "is_active"): "a creator takes their own tier off sale (Tier.is_active, not a user flag)",
    ("PatchedTierUpdateRequest", "is_active"): "same: the tier's own on-sale switch",
}


def _request_components():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    used = set()

    def refs(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    used.add(value.rsplit("/", 1)[-1])
                else:
                    refs(value)
        elif isinstance(node, list):
            for value in node:
                refs(value)

    for operations in schema["paths"].values():
        for method, operation in operations.items():
            if method in ("post", "put", "patch", "delete") and "requestBody" in operation:
                refs(operation["requestBody"])
    size = -1
    while size != len(used):  # nested serializers
        size = len(used)
        for name in list(used):
            refs(components.get(name, {}))
    return {name: components[name] for name in used if components[name].get("properties")}


def test_no_writable_serializer_declares_a_privileged_field():
    components = _request_components()
    assert len(components) > 40  # the walk found the API's request bodies
    offending = [
        f"{name}.{field}"
        for name, component in sorted(components.items())
        for field, spec in component["properties"].items()
        if not spec.get("readOnly") and PRIVILEGED.match(field) and (name, field) not in JUSTIFIED
    ]
    assert not offending, f"privileged fields a client can write: {offending}"


SMUGGLED = {
    "role": "admin",
    "status": "banned",
    "is_staff": True,
    "is_superuser": True,
    "is_active": False,
    "email_verified_at": None,
    "followers_count": 999,
    "posts_count": 999,
    "likes_count": 999,
    "comments_count": 999,
    "views_count": 999,
    "reposts_count": 999,
    "trending_score": 999.0,
    "published_at": "2001-01-01T00:00:00Z",
    "stripe_product_id": "prod_evil",
    "stripe_plan_id": "plan_evil",
    "current_viewers": 999,
    "peak_viewers": 999,
    "spent_total_milli": 0,
    "charged_minor": 0,
    "impressions_count": 999,
    "balance": 10**9,
}


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer(user)}")
    return client


def _snapshot(obj, fields):
    obj.refresh_from_db()
    return {f: getattr(obj, f) for f in fields if hasattr(obj, f)}


def _with_smuggled(body, **extra):
    return {**SMUGGLED, **extra, **body}


def test_updates_ignore_privileged_fields(world):
    owner, other = world.owner, world.other
    o = world.objects
    client = _client(owner)
    cases = [
        ("/api/v1/users/me", owner, {"display_name": "Renamed"}, {}),
        (f"/api/v1/posts/{o['post'].pk}", o["post"], {"text": "edited #climbing"}, {"author": str(other.pk)}),
        (f"/api/v1/videos/{o['video'].pk}", o["video"], {"title": "Renamed"}, {"author": str(other.pk)}),
        (f"/api/v1/comments/{o['comment'].pk}", o["comment"], {"text": "edited"}, {"author": str(other.pk)}),
        (f"/api/v1/collections/{o['collection'].pk}", o["collection"], {"name": "Best"}, {"owner": str(other.pk)}),
        (f"/api/v1/streams/{o['stream'].pk}", o["stream"], {"title": "Renamed"}, {"host": str(other.pk)}),
        (f"/api/v1/ads/campaigns/{o['campaign'].pk}", o["campaign"], {"name": "Renamed"}, {"advertiser": "x"}),
        (f"/api/v1/ads/ads/{o['creative'].pk}", o["creative"], {"headline": "Renamed"}, {"status": "approved"}),
        ("/api/v1/ads/advertiser", o["campaign"].advertiser, {"company_name": "Renamed Ltd"}, {"status": "active"}),
    ]
    guarded = {
        User: ["role", "status", "is_staff", "is_superuser", "is_active", "email_verified_at", "followers_count"],
        Post: ["author_id", "likes_count", "comments_count", "reposts_count", "published_at", "trending_score"],
        Video: ["author_id", "status", "views_count", "likes_count", "published_at"],
        Comment: ["author_id", "likes_count"],
        SaveCollection: ["owner_id"],
        Stream: ["host_id", "status", "current_viewers", "peak_viewers"],
        Campaign: ["advertiser_id", "status", "spent_total_milli", "charged_minor"],
        Creative: ["campaign_id", "status", "impressions_count", "reviewed_at"],
        Advertiser: ["user_id", "status"],
    }
    problems = []
    for url, obj, body, extra in cases:
        cache.clear()
        fields = guarded[type(obj)]
        before = _snapshot(obj, fields)
        response = client.patch(url, _with_smuggled(body, **extra), format="json")
        after = _snapshot(obj, fields)
        if response.status_code >= 500:
            problems.append(f"PATCH {url}: {response.status_code}")
        changed = {f: (before[f], after[f]) for f in before if before[f] != after[f]}
        if changed:
            problems.append(f"PATCH {url} changed {changed}")
        if response.status_code == 200:  # the legitimate part of the edit went through
            name, value = next(iter(body.items()))
            if getattr(type(obj).objects.get(pk=obj.pk), name) != value:
                problems.append(f"PATCH {url}: {name} not updated ({response.status_code})")
        elif response.status_code != 400:
            problems.append(f"PATCH {url}: unexpected {response.status_code} {response.content[:200]!r}")
    assert not problems, "\n".join(problems)


def test_creates_ignore_privileged_fields(world):
    owner, other = world.owner, world.other
    client = _client(owner)
    problems = []

    def create(url, body, model, checks):
        cache.clear()
        response = client.post(url, _with_smuggled(body, author=str(other.pk), owner=str(other.pk)), format="json")
        if response.status_code != 201:
            problems.append(f"POST {url}: {response.status_code} {response.content[:300]!r}")
            return
        payload = response.json()
        row = model.objects.get(pk=payload.get("id") or payload["video"]["id"])
        for field, expected in checks.items():
            if getattr(row, field) != expected:
                problems.append(f"POST {url}: {field}={getattr(row, field)!r}, expected {expected!r}")

    create("/api/v1/posts", {"text": "new post"}, Post, {"author_id": owner.pk, "likes_count": 0, "views_count": 0})
    create(
        "/api/v1/videos",
        {"title": "v", "filename": "a.mp4", "size": 1000, "content_type": "video/mp4"},
        Video,
        {"author_id": owner.pk, "status": Video.Status.UPLOADING, "views_count": 0, "published_at": None},
    )
    create(
        f"/api/v1/posts/{world.objects['post'].pk}/comments",
        {"text": "hi"},
        Comment,
        {"author_id": owner.pk},
    )
    create("/api/v1/collections", {"name": "Later"}, SaveCollection, {"owner_id": owner.pk})
    create(
        "/api/v1/streams",
        {"title": "Another"},
        Stream,
        {"host_id": owner.pk, "status": Stream.Status.SCHEDULED, "current_viewers": 0, "peak_viewers": 0},
    )
    assert not problems, "\n".join(problems)
    assert not Tier.objects.filter(stripe_product_id="prod_evil").exists()


def test_registration_cannot_grant_privileges(api_client):
    response = api_client.post(
        "/api/v1/auth/register",
        _with_smuggled(
            {"email": "mallory@example.com", "username": "mallory", "password": "a-long-enough-passphrase-42"},
            email_verified_at="2001-01-01T00:00:00Z",
            status="active",
        ),
        format="json",
    )
    assert response.status_code == 201, response.content
    user = User.objects.get(username="mallory")
    assert (user.role, user.is_staff, user.is_superuser, user.email_verified_at) == ("user", False, False, None)
    assert user.status == User.Status.PENDING_VERIFICATION and user.followers_count == 0
