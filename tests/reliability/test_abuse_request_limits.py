"""Abuse limits on request shape: oversized bodies, huge page sizes, very long strings, deep JSON and
long id lists are refused with the error shape (413 / 400), never a 500, and pages stay capped."""

import json

import pytest
from django.core.cache import cache

from content.tests.factories import PostFactory
from tests.reliability.world import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(api_client, user):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer(user)}")
    return api_client


def _error_shape(response, status):
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert body["status"] == status and body["type"].startswith("urn:socialflow:error:")


def test_oversized_json_body_is_413(signed_in, settings):
    body = json.dumps({"text": "x" * 100, "padding": "y" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024)})
    response = signed_in.generic("POST", "/api/v1/posts", body, content_type="application/json")
    _error_shape(response, 413)


def test_oversized_body_is_413_for_anonymous_endpoints_too(api_client, settings):
    body = json.dumps({"login": "ana", "password": "p" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    response = api_client.generic("POST", "/api/v1/auth/login", body, content_type="application/json")
    _error_shape(response, 413)


def test_huge_page_size_is_capped_at_100(api_client, user):
    PostFactory.create_batch(105, author=user)
    response = api_client.get("/api/v1/posts", {"limit": 10**9, "author": user.username})
    assert response.status_code == 200, response.content[:300]
    assert len(response.json()["results"]) == 100


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("post", "/api/v1/posts", {"text": "x" * 100_000}),
        ("patch", "/api/v1/users/me", {"display_name": "x" * 100_000}),
        ("patch", "/api/v1/users/me", {"bio": "x" * 100_000}),
        ("post", "/api/v1/collections", {"name": "x" * 100_000}),
        ("post", "/api/v1/streams", {"title": "x" * 100_000}),
        ("post", "/api/v1/reports", {"target_type": "post", "target_id": "x", "category": "spam", "text": "x" * 10**5}),
    ],
)
def test_very_long_strings_are_400(signed_in, method, url, body):
    response = getattr(signed_in, method)(url, body, format="json")
    _error_shape(response, 400)


def test_very_long_query_strings_are_400(api_client):
    response = api_client.get("/api/v1/search", {"q": "x" * 100_000})
    _error_shape(response, 400)


@pytest.mark.parametrize("url", ["/api/v1/posts", "/api/v1/auth/login", "/api/v1/auth/register"])
@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deeply_nested_json_is_400_not_500(signed_in, url, depth):
    body = "[" * depth + "]" * depth
    response = signed_in.generic("POST", url, body, content_type="application/json")
    _error_shape(response, 400)
    cache.clear()
    body = '{"a":' * depth + "1" + "}" * depth
    response = signed_in.generic("POST", url, body, content_type="application/json")
    _error_shape(response, 400)


def test_many_ids_are_refused(signed_in, user):
    post = PostFactory(author=user)
    many = [str(post.pk)] * 5_000
    response = signed_in.post("/api/v1/posts", {"text": "hello", "media": many}, format="json")
    _error_shape(response, 400)
    response = signed_in.post(
        "/api/v1/reports",
        {"target_type": "post", "target_id": str(post.pk), "category": "spam", "related_ids": many},
        format="json",
    )
    _error_shape(response, 400)
    response = signed_in.get("/api/v1/posts", {"author": ",".join(many)})
    assert response.status_code in (400, 404), response.status_code
