"""A client cannot dodge a throttle by forging X-Forwarded-For."""

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.urls("core.tests.urls")]


def test_forged_forwarded_for_is_still_throttled(api_client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    statuses = [
        api_client.get(
            "/api/v1/throttled", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}, 203.0.113.7", REMOTE_ADDR="127.0.0.1"
        ).status_code
        for i in range(4)
    ]
    # With one trusted proxy, only the address that proxy appended (203.0.113.7) identifies the client.
    assert statuses == [200, 200, 429, 429]


def test_distinct_clients_have_distinct_budgets(api_client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    for ip in ("203.0.113.1", "203.0.113.2"):
        assert api_client.get("/api/v1/throttled", HTTP_X_FORWARDED_FOR=ip).status_code == 200
        assert api_client.get("/api/v1/throttled", HTTP_X_FORWARDED_FOR=ip).status_code == 200


def test_without_proxies_remote_addr_identifies_the_client(api_client):
    statuses = [
        api_client.get("/api/v1/throttled", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code for i in range(3)
    ]
    assert statuses == [200, 200, 429]
