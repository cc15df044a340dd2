"""Every error the API can produce comes back in the one JSON shape, with no internals leaked."""

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.urls("core.tests.urls")]

SHAPE_KEYS = {"type", "title", "status", "detail", "errors", "request_id"}


def assert_problem(response, status, code):
    assert response.status_code == status
    body = response.json()
    assert set(body) == SHAPE_KEYS
    assert body["status"] == status
    assert body["type"] == f"urn:socialflow:error:{code}"
    assert body["request_id"] == response["X-Request-ID"]
    return body


def test_400_has_field_messages(api_client):
    body = assert_problem(api_client.post("/api/v1/validate", {"name": "toolong", "age": -1}), 400, "validation_error")
    assert body["errors"] == {
        "name": ["Ensure this field has no more than 5 characters."],
        "age": ["Ensure this value is greater than or equal to 0."],
    }


def test_400_for_malformed_json(api_client):
    response = api_client.post("/api/v1/validate", data="{not json", content_type="application/json")
    body = assert_problem(response, 400, "parse_error")
    assert "JSON parse error" in body["detail"]


def test_401_when_anonymous(api_client):
    body = assert_problem(api_client.get("/api/v1/private"), 401, "not_authenticated")
    assert body["detail"] == "Authentication credentials were not provided."


def test_403_when_not_permitted(client_for, user):
    assert_problem(client_for(user).get("/api/v1/forbidden"), 403, "permission_denied")


def test_404_for_unknown_api_path(api_client):
    assert_problem(api_client.get("/api/v1/nope"), 404, "not_found")


def test_405_for_wrong_method(api_client):
    body = assert_problem(api_client.delete("/api/v1/validate"), 405, "method_not_allowed")
    assert body["detail"] == 'Method "DELETE" not allowed.'


def test_409_from_application_error(api_client):
    body = assert_problem(api_client.post("/api/v1/conflict", {}), 409, "conflict")
    assert body["detail"] == "Already there."


def test_429_with_retry_after(api_client):
    assert api_client.get("/api/v1/throttled").status_code == 200
    assert api_client.get("/api/v1/throttled").status_code == 200
    response = api_client.get("/api/v1/throttled")
    assert_problem(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 60


def test_500_is_generic_and_leaks_nothing(api_client, caplog):
    response = api_client.get("/api/v1/broken")
    body = assert_problem(response, 500, "server_error")
    text = response.content.decode()
    assert "secret-token-abc" not in text and "SELECT" not in text and "Traceback" not in text
    assert body["detail"] == "Something went wrong on our side. Quote the request id."
    assert any("unhandled error" in r.message for r in caplog.records)


def test_request_id_is_echoed_when_well_formed(api_client):
    response = api_client.get("/api/v1/private", HTTP_X_REQUEST_ID="abc12345-edge")
    assert response["X-Request-ID"] == "abc12345-edge"
    assert response.json()["request_id"] == "abc12345-edge"


def test_request_id_is_replaced_when_malformed(api_client):
    response = api_client.get("/api/v1/private", HTTP_X_REQUEST_ID="<script>")
    assert response["X-Request-ID"] != "<script>"
    assert len(response["X-Request-ID"]) == 32


def test_413_for_oversized_body(api_client, settings):
    settings.MAX_REQUEST_BODY_BYTES = 100
    response = api_client.post("/api/v1/validate", {"name": "x" * 200, "age": 1})
    assert_problem(response, 413, "payload_too_large")
