"""The task outbox: a publish the broker refuses is kept in the database and relayed once it answers.

The broker is real: an unreachable Redis (port 1 refuses connections) for the outage, and kombu's
in-process `memory://` transport for a broker that works, read back with a kombu consumer.
"""

import contextlib
import datetime as dt
import io

import pytest
from celery import current_app, shared_task
from django.core.management import call_command
from django.utils import timezone

from core.models import OutboxTask
from core.services.outbox import outbox_relay

BROKEN = "redis://127.0.0.1:1/0"


@shared_task(name="core.tests.outbox_probe_task")
def outbox_probe_task(post_id: str, *, mentions: int = 0) -> str:
    return f"{post_id}:{mentions}"


@contextlib.contextmanager
def broker(url: str):
    """Point the Celery app at `url` with eager mode off; the producer pool is rebuilt for the new URL."""
    conf = current_app.conf
    saved = conf.broker_url, conf.task_always_eager

    def reset_pools():
        current_app._pool = None
        current_app.amqp._producer_pool = None

    conf.broker_url, conf.task_always_eager = url, False
    reset_pools()
    try:
        yield
    finally:
        conf.broker_url, conf.task_always_eager = saved
        reset_pools()


def drain(queue: str) -> list:
    """Every message waiting on `queue` of the memory broker: (task name, args, kwargs, task id)."""
    got = []
    with current_app.connection_for_read() as conn:
        simple = conn.SimpleQueue(queue)
        while True:
            try:
                message = simple.get(timeout=0.2)
            except simple.Empty:
                break
            args, kwargs, _embed = message.decode()
            got.append((message.headers["task"], args, kwargs, message.headers["id"]))
            message.ack()
        simple.close()
    return got


@pytest.fixture
def memory_broker():
    with broker("memory://"):
        drain("default")
        drain("notify")
        yield


@pytest.mark.django_db(transaction=True)
def test_publish_failure_keeps_the_task_with_its_name_args_and_queue(caplog):
    with broker(BROKEN):
        before = timezone.now()
        result = outbox_probe_task.apply_async(args=["p-1"], kwargs={"mentions": 3}, queue="notify", countdown=30)
    row = OutboxTask.objects.get()
    assert row.name == "core.tests.outbox_probe_task"
    assert row.task_id == result.id
    assert row.args == ["p-1"]
    assert row.kwargs == {"mentions": 3}
    assert row.options["queue"] == "notify"
    # The countdown became an absolute eta 30 s after the call, not 30 s after the relay.
    eta = dt.datetime.fromisoformat(row.options["eta"])
    assert dt.timedelta(seconds=29) < eta - before < dt.timedelta(seconds=31)
    assert "countdown" not in row.options
    assert "Connection refused" in row.last_error
    assert "kept in the outbox" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_delay_on_commit_is_kept_after_the_commit():
    from django.db import transaction

    with broker(BROKEN):
        with transaction.atomic():
            outbox_probe_task.delay_on_commit("p-2")
            assert OutboxTask.objects.count() == 0  # nothing is sent (or kept) before the commit
        assert list(OutboxTask.objects.values_list("name", "args")) == [("core.tests.outbox_probe_task", ["p-2"])]


@pytest.mark.django_db(transaction=True)
def test_relay_sends_each_kept_task_once_and_deletes_it(memory_broker):
    with broker(BROKEN):
        first = outbox_probe_task.delay("p-3", mentions=1)
        second = outbox_probe_task.apply_async(args=["p-4"], queue="notify")
    assert OutboxTask.objects.count() == 2

    result = outbox_relay()

    assert (result.sent, result.left, result.broker_down) == (2, 0, False)
    assert OutboxTask.objects.count() == 0
    assert drain("default") == [("core.tests.outbox_probe_task", ["p-3"], {"mentions": 1}, first.id)]
    assert drain("notify") == [("core.tests.outbox_probe_task", ["p-4"], {}, second.id)]
    assert outbox_relay().sent == 0  # nothing left to send twice


@pytest.mark.django_db(transaction=True)
def test_relay_leaves_the_rows_while_the_broker_still_fails():
    with broker(BROKEN):
        outbox_probe_task.delay("p-5")
        outbox_probe_task.delay("p-6")
        result = outbox_relay()
    assert (result.sent, result.left, result.broker_down) == (0, 2, True)
    # It stops at the first failure (the broker is down for the next row too) and counts the attempt.
    assert sorted(OutboxTask.objects.values_list("args", "attempts")) == [(["p-5"], 1), (["p-6"], 0)]


@pytest.mark.django_db(transaction=True)
def test_no_row_when_the_publish_works(memory_broker):
    result = outbox_probe_task.delay("p-7")
    assert OutboxTask.objects.count() == 0
    assert drain("default") == [("core.tests.outbox_probe_task", ["p-7"], {}, result.id)]


@pytest.mark.django_db(transaction=True)
def test_beat_ticks_are_not_kept():
    """A periodic run the broker refuses is dropped (beat logs it); the next tick sends it again."""
    from core.tasks import outbox_relay_task

    with broker(BROKEN), pytest.raises(Exception, match="Connection refused"):
        outbox_relay_task.delay()
    assert OutboxTask.objects.count() == 0


@pytest.mark.django_db
def test_eager_mode_runs_in_process_and_keeps_nothing(settings):
    assert current_app.conf.task_always_eager is True  # the test settings
    assert outbox_probe_task.delay("p-8", mentions=2).get() == "p-8:2"
    assert OutboxTask.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_command_once_drains_the_outbox(memory_broker):
    with broker(BROKEN):
        outbox_probe_task.delay("p-9")
    out = io.StringIO()
    call_command("outbox_relay", "--once", stdout=out)
    assert out.getvalue().strip() == "sent 1, left 0"
    assert [m[1] for m in drain("default")] == [["p-9"]]


@pytest.mark.django_db(transaction=True)
def test_command_once_fails_while_rows_remain():
    with broker(BROKEN):
        outbox_probe_task.delay("p-10")
        out = io.StringIO()
        with pytest.raises(SystemExit) as exit_info:
            call_command("outbox_relay", "--once", stdout=out)
    assert exit_info.value.code == 1
    assert out.getvalue().strip() == "sent 0, left 1"
