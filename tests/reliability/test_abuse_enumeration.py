"""Account enumeration: password reset and registration answer the same for a known and an unknown
email, in comparable time (a behaviour check on medians of several runs, not a speed target)."""

import statistics
import time

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db

RUNS = 7
RATIO = 3.0


def _timed(call):
    cache.clear()  # throttles would otherwise answer 429 after five tries
    started = time.perf_counter()
    response = call()
    return response, time.perf_counter() - started


def _median(samples):
    return statistics.median(samples)


def test_password_reset_known_and_unknown_email_look_the_same(api_client, user):
    known, unknown = [], []
    bodies = set()
    for _ in range(RUNS):
        for email, bucket in ((user.email, known), ("nobody-here@example.com", unknown)):
            response, elapsed = _timed(lambda e=email: api_client.post("/api/v1/auth/password/reset", {"email": e}))
            assert response.status_code == 202
            bodies.add(response.content)
            bucket.append(elapsed)
    assert len(bodies) == 1, bodies
    slow, fast = max(_median(known), _median(unknown)), min(_median(known), _median(unknown))
    assert slow < RATIO * fast, (known, unknown)


def test_registration_known_and_unknown_email_look_the_same(api_client, user):
    known, unknown = [], []
    shapes = set()
    for run in range(RUNS):
        for email, bucket in ((user.email, known), (f"fresh{run}@example.com", unknown)):
            payload = {"email": email, "username": f"u{run}{len(bucket)}x{abs(hash(email)) % 1000}",
                       "password": "a-long-enough-passphrase-42"}  # fmt: skip
            response, elapsed = _timed(lambda p=payload: api_client.post("/api/v1/auth/register", p))
            assert response.status_code == 201, response.content
            body = response.json()
            assert body["email"] == email.lower() and body["is_verified"] is False
            shapes.add((tuple(sorted(body)), body["status"]))
            bucket.append(elapsed)
    assert len(shapes) == 1, shapes
    slow, fast = max(_median(known), _median(unknown)), min(_median(known), _median(unknown))
    assert slow < RATIO * fast, (known, unknown)
