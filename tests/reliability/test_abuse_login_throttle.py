"""Login brute force behind a proxy: rotating X-Forwarded-For gives every attempt a new client IP
(NUM_PROXIES=1 trusts the header), yet the per-account throttle still stops the guessing."""

import pytest

pytestmark = pytest.mark.django_db


def test_rotating_forwarded_for_does_not_escape_the_account_throttle(api_client, user, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    statuses = []
    for attempt in range(12):
        response = api_client.post(
            "/api/v1/auth/login",
            {"login": user.username if attempt % 2 else user.email.upper(), "password": f"guess-{attempt}"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt + 1}",
        )
        statuses.append(response.status_code)
    assert statuses[:5] == [401] * 5, statuses
    assert set(statuses[5:]) == {429}, statuses
    # The right password from yet another address is throttled too while the window lasts.
    response = api_client.post(
        "/api/v1/auth/login",
        {"login": user.username, "password": "correct-horse-battery"},
        format="json",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert response.status_code == 429
    assert response.json()["type"] == "urn:socialflow:error:rate_limited"


def test_spraying_many_accounts_from_rotating_addresses_is_bounded_per_account(api_client, settings):
    """Unknown names are throttled per name as well, so a sprayer cannot learn more per account."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    statuses = [
        api_client.post(
            "/api/v1/auth/login",
            {"login": "nobody@example.com", "password": f"p{n}"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}",
        ).status_code
        for n in range(8)
    ]
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}, statuses
