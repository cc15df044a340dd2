import threading

import pytest
from django.conf import settings
from django.db import connection

from core.models import IdempotencyRecord
from core.tests import views

pytestmark = pytest.mark.urls("core.tests.urls")


@pytest.fixture(autouse=True)
def _reset_calls():
    views.CALLS["count"] = 0


@pytest.mark.django_db
def test_same_key_twice_runs_once_and_replays(client_for, user):
    client = client_for(user)
    first = client.post("/api/v1/things", {"title": "a"}, HTTP_IDEMPOTENCY_KEY="k-1")
    second = client.post("/api/v1/things", {"title": "a"}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json() == {"n": 1, "echo": {"title": "a"}}
    assert second["Idempotent-Replayed"] == "true"
    assert views.CALLS["count"] == 1


@pytest.mark.django_db
def test_same_key_different_body_is_422(client_for, user):
    client = client_for(user)
    client.post("/api/v1/things", {"title": "a"}, HTTP_IDEMPOTENCY_KEY="k-2")
    response = client.post("/api/v1/things", {"title": "b"}, HTTP_IDEMPOTENCY_KEY="k-2")
    assert response.status_code == 422
    assert response.json()["type"] == "urn:socialflow:error:unprocessable"
    assert views.CALLS["count"] == 1


@pytest.mark.django_db
def test_keys_are_scoped_per_user(client_for, user, other_user):
    client_for(user).post("/api/v1/things", {"title": "a"}, HTTP_IDEMPOTENCY_KEY="shared")
    response = client_for(other_user).post("/api/v1/things", {"title": "a"}, HTTP_IDEMPOTENCY_KEY="shared")
    assert response.json()["n"] == 2


@pytest.mark.django_db
def test_without_key_every_request_runs(client_for, user):
    client = client_for(user)
    client.post("/api/v1/things", {"title": "a"})
    client.post("/api/v1/things", {"title": "a"})
    assert views.CALLS["count"] == 2
    assert IdempotencyRecord.objects.count() == 0


@pytest.mark.django_db
def test_expired_key_runs_again(client_for, user):
    client = client_for(user)
    client.post("/api/v1/things", {"title": "a"}, HTTP_IDEMPOTENCY_KEY="old")
    IdempotencyRecord.objects.update(
        created_at=IdempotencyRecord.objects.get().created_at - settings.IDEMPOTENCY_KEY_TTL
    )
    response = client.post("/api/v1/things", {"title": "a"}, HTTP_IDEMPOTENCY_KEY="old")
    assert response.json()["n"] == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_run_once(client_for, user):
    results = []

    def call():
        response = client_for(user).post("/api/v1/things", {"title": "x"}, HTTP_IDEMPOTENCY_KEY="race")
        results.append((response.status_code, response.json().get("n")))
        connection.close()

    threads = [threading.Thread(target=call) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert views.CALLS["count"] == 1
    assert sorted(results) == [(201, 1)] * 8
