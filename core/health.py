"""Liveness and readiness probes, plain Django views (no auth, no throttles, no sessions)."""

import logging
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse

logger = logging.getLogger("socialflow.health")


def healthz(request):
    """The process is up and serving; says nothing about its dependencies."""
    return JsonResponse({"status": "ok"})


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache():
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", 5)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return what was written")
    cache.delete(key)


def _check_channel_layer():
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.send)(channel, {"type": "readyz.ping"})
    message = async_to_sync(layer.receive)(channel)
    if message.get("type") != "readyz.ping":
        raise RuntimeError("channel layer returned a different message")


def _check_broker():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return  # tasks run in-process; there is no broker to reach
    from celery import current_app

    with current_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


CHECKS = {
    "database": _check_database,
    "cache": _check_cache,
    "channel_layer": _check_channel_layer,
    "broker": _check_broker,
}


def readyz(request):
    """Every dependency reachable → 200; otherwise 503 naming each failing part."""
    results, failing = {}, []
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means not ready
            logger.warning("readiness check %s failed: %s", name, exc.__class__.__name__)
            results[name] = "unavailable"
            failing.append(name)
    if failing:
        return JsonResponse(
            {
                "type": "urn:socialflow:error:service_unavailable",
                "title": "Service unavailable",
                "status": 503,
                "detail": f"Not ready: {', '.join(failing)} unavailable.",
                "errors": {name: ["unavailable"] for name in failing},
                "checks": results,
            },
            status=503,
        )
    return JsonResponse({"status": "ready", "checks": results})
