"""Security headers on every HTML and API response; CORS only for configured origins; no shared caching
of personal responses."""

import pytest

pytestmark = pytest.mark.django_db


def test_api_response_headers(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/api/v1/does-not-exist", secure=True)
    assert response.status_code == 404
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_html_pages_carry_a_strict_csp(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-eval" not in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]


def test_swagger_ui_runs_under_the_csp(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert "Content-Security-Policy" in response
    assert b"<script>" not in response.content.replace(b" ", b"")  # no inline script blocks


def test_authenticated_responses_are_never_shared_by_caches(client, user):
    client.force_login(user)
    response = client.get("/api/v1/does-not-exist")
    assert response["Cache-Control"] == "private, no-store"
    assert {"Authorization", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}


def test_bearer_requests_are_private_even_when_the_token_is_bad(client):
    response = client.get("/api/v1/does-not-exist", HTTP_AUTHORIZATION="Bearer nope")
    assert response["Cache-Control"] == "private, no-store"


def test_cors_only_for_configured_origins(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.socialflow.example"]
    allowed = client.options(
        "/api/v1/does-not-exist",
        HTTP_ORIGIN="https://app.socialflow.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    denied = client.options(
        "/api/v1/does-not-exist", HTTP_ORIGIN="https://evil.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert allowed["Access-Control-Allow-Origin"] == "https://app.socialflow.example"
    assert "Access-Control-Allow-Origin" not in denied
