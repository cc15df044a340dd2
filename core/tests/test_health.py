import pytest

from core import health


@pytest.mark.django_db
def test_readyz_ok_when_everything_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "channel_layer": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_readyz_names_a_stopped_cache(client, settings):
    # A Redis nobody listens on: the real client fails to connect, as when Redis is stopped.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    # (pytest-django's settings fixture resets Django's cache handlers on CACHES changes.)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["detail"] == "Not ready: cache unavailable."
    assert body["checks"]["cache"] == "unavailable"
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_readyz_names_an_unreachable_broker(client, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from celery import current_app

    monkeypatch.setattr(current_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["errors"] == {"broker": ["unavailable"]}


def test_healthz_needs_no_dependency(rf):
    assert health.healthz(rf.get("/healthz")).status_code == 200
