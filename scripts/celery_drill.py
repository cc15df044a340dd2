#!/usr/bin/env python
"""Celery and websocket drill on loopback (issue 11). Not part of the test suite: run it by hand.

Same private stack as scripts/outage_drill.py (its own PostgreSQL on 25442 and redis-server on 26389 in
a scratch directory, PostgreSQL tools run as the postgres user when root, everything on 127.0.0.1), plus
a real Celery worker, gunicorn, daphne and the outbox relay. Three parts:

  a. worker killed mid-task: a notification fan-out to FOLLOWERS followers (batches of 100) runs in a
     worker started with CELERY_VISIBILITY_TIMEOUT=20; the whole worker (main process and pool child) is
     SIGKILLed mid-run and started again. Redis puts the unacknowledged message back after the
     visibility timeout, the task reruns, resumes from its cursor, and every follower ends with exactly
     one notification.
  b. broker down while the API takes writes: Redis is killed, accounts are registered through gunicorn
     (Celery not eager; each registration queues a verification-email task), Redis is started again,
     the long-running `manage.py outbox_relay` publishes the kept tasks, and every account gets exactly
     one email (the worker's console email backend, counted in its log).
  c. websocket reconnect during a Redis outage: daphne with the channels_redis layer on the private
     Redis, WS_CLIENTS clients on /ws/notifications/; Redis is killed for 10 s and started again; the
     clients reconnect with backoff (0.5 s doubling to 4 s) and a notification sent after the recovery
     reaches every one of them.

Bounded: about 3 minutes plus setup. Prints the figures and writes JSON.

    .venv/bin/python scripts/celery_drill.py --out artifacts/reliability/celery_drill.json
"""

# ruff: noqa: S603, S310, S608 - a local drill: fixed commands, loopback URLs, ids the drill minted

import argparse
import asyncio
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
import drill_stack as ds  # the shared private stack (PostgreSQL, Redis, gunicorn)

ROOT = ds.ROOT
# Below the ephemeral range (32768+), where a client socket or a test's free_port() can hold a port.
PORTS = ds.Ports(pg=25442, redis=26389, app=28010, ws=28011)
BASE = PORTS.base
WS_PORT = PORTS.ws
FOLLOWERS = 4_000
REGISTRATIONS = 10
WS_CLIENTS = 5
VISIBILITY = 20


def stamp(msg):
    print(f"{time.strftime('%H:%M:%S')} {msg}", flush=True)


class DrillStack(ds.Stack):
    def env(self):
        return {
            **super().env(),
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY),
            "NOTIFICATION_FANOUT_BATCH": "100",
            "JWT_ACCESS_MINUTES": "60",
            "NUM_PROXIES": "1",  # each registration comes from its own X-Forwarded-For (register limit 5/h)
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        }

    def spawn(self, name, argv):
        log = open(self.dir / f"{name}.log", "a")  # noqa: SIM115 - closed with the process
        # Its own session: a SIGKILL to the process group takes the worker's pool children with it.
        return subprocess.Popen(argv, cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)  # fmt: skip

    def worker_start(self, n):
        celery = str(ROOT / ".venv/bin/celery")
        argv = [celery, "-A", "socialflow", "worker", "-Q", "default,notify", "-c", "1", "-n", f"drill{n}@%h",
                "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"]  # fmt: skip
        return self.spawn(f"worker{n}", argv)

    def shell(self, code):
        out = ds.sh([str(ds.PY), "manage.py", "shell", "-c", code], cwd=ROOT, env=self.env())
        return json.loads(out.stdout.strip().splitlines()[-1])

    def redis_kill(self):
        self.redis.kill()
        self.redis.wait()


def killpg(proc):
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


def stop(proc):
    if proc is not None and proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            killpg(proc)


SETUP = """
import json
from django.contrib.auth.hashers import make_password
from users.models import Follow, User
from users.services.sessions import session_start
from users.tests.factories import UserFactory
actor = UserFactory(username="drill_actor")
pw = make_password(None)
users = User.objects.bulk_create(
    [User(username=f"drill_f{i}", email=f"drill_f{i}@drill.test", password=pw) for i in range(FOLLOWERS)],
    batch_size=2000,
)
Follow.objects.bulk_create([Follow(follower=u, following=actor) for u in users], batch_size=2000)
ws_users = [UserFactory(username=f"drill_ws{i}") for i in range(WS_CLIENTS)]
tokens = [session_start(user=u, method="password", user_agent="drill")[1]["access"] for u in ws_users]
print(json.dumps({"actor": str(actor.pk), "ws_users": [str(u.pk) for u in ws_users], "tokens": tokens}))
"""

TRIGGER = """
import json
from django.db import transaction
from notifications.services import notification_fanout
from users.models import User
with transaction.atomic():
    job = notification_fanout(actor=User.objects.get(username="drill_actor"), type="new_post")
print(json.dumps({"job": str(job.pk), "key": job.fanout_key}))
"""

NOTIFY = """
import json, time
started = time.time()
from django.db import transaction
from notifications.services import notification_send
from users.models import User
with transaction.atomic():
    for u in User.objects.filter(username__startswith="drill_ws"):
        notification_send(recipient=u, type="report_resolved", data={"marker": "MARKER"})
print(json.dumps({"sent_at": started}))  # before the rows are written: latency includes them
"""


# -- a: worker killed mid-task --------------------------------------------------------------------------
def part_a(stack):
    worker = stack.worker_start(1)
    time.sleep(6)
    job = stack.shell(TRIGGER)
    jid = job["job"]

    def state():
        row = stack.psql(f"select status, batches, created_count from notifications_fanoutjob where id='{jid}'")
        status, batches, created = row.split("|")
        return status, int(batches), int(created)

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status, batches, created = state()
        if batches >= 8 or status == "done":
            break
        time.sleep(0.05)
    killed_at = time.time()
    killpg(worker)
    status, batches_at_kill, created_at_kill = state()
    stamp(f"a: worker SIGKILLed at batch {batches_at_kill} ({created_at_kill} of {FOLLOWERS} notified, {status})")
    unacked = int(ds.sh(["redis-cli", "-p", str(PORTS.redis), "hlen", "unacked"]).stdout.strip() or 0)
    worker = stack.worker_start(2)
    restarted_at = time.time()
    resumed_at = None
    deadline = time.monotonic() + VISIBILITY + 60
    while time.monotonic() < deadline:
        status, batches, created = state()
        if resumed_at is None and batches > batches_at_kill:
            resumed_at = time.time()
        if status == "done":
            break
        time.sleep(0.2)
    done_at = time.time()
    rows = stack.psql(
        "select count(*), count(distinct recipient_id) from notifications_notification "
        f"where fanout_key = '{job['key']}'"
    ).split("|")

    def received(path):
        return len(re.findall(r"notification_fanout_task\[[0-9a-f-]+\] received", path.read_text(errors="replace")))

    result = {
        "followers": FOLLOWERS,
        "visibility_timeout_s": VISIBILITY,
        "batches_at_kill": batches_at_kill,
        "notified_at_kill": created_at_kill,
        "unacked_messages_after_kill": unacked,
        "received_by_killed_worker": received(stack.dir / "worker1.log"),
        "received_by_restarted_worker": received(stack.dir / "worker2.log"),
        "rerun_started_after_kill_s": round(resumed_at - killed_at, 1) if resumed_at else None,
        "worker_restarted_after_kill_s": round(restarted_at - killed_at, 1),
        "done_after_kill_s": round(done_at - killed_at, 1),
        "job_status": status,
        "job_created_count": created,
        "notification_rows": int(rows[0]),
        "distinct_recipients": int(rows[1]),
        "exactly_once": int(rows[0]) == int(rows[1]) == FOLLOWERS == created,
    }
    stamp(f"a: {result}")
    return worker, result


# -- b: broker down while the API takes writes -------------------------------------------------------------
def register(i, tag):
    body = json.dumps({"email": f"drill-b-{tag}-{i}@drill.test", "username": f"drillb_{tag}_{i}",
                       "password": "quiet-river-1987", "display_name": f"B {i}"}).encode()  # fmt: skip
    req = urllib.request.Request(BASE + "/api/v1/auth/register", data=body, method="POST")
    req.add_header("Content-Type", "application/json")
    # A header value only (documentation range), never contacted: each registration its own client.
    req.add_header("X-Forwarded-For", f"198.51.100.{i % 250 + 1}")
    started = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=15) as resp:
            status = resp.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except OSError:
        status = 0
    return status, round((time.monotonic() - started) * 1000, 1)


def part_b(stack):
    relay = stack.spawn("relay", [str(ds.PY), "manage.py", "outbox_relay", "--interval", "2"])
    tag = uuid.uuid4().hex[:6]
    stack.redis_kill()
    down_at = time.time()
    stamp("b: Redis killed; registering through gunicorn")
    answers = [register(i, tag) for i in range(REGISTRATIONS)]
    kept = int(stack.psql("select count(*) from core_outboxtask where name = 'users.tasks.account_email_task'"))
    stamp(f"b: answers {answers}; outbox rows {kept}")
    time.sleep(max(0.0, 10 - (time.time() - down_at)))
    stack.redis_start()
    up_at = time.time()
    drained_at = delivered_at = None
    emails = [f"drill-b-{tag}-{i}@drill.test" for i in range(REGISTRATIONS)]
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if drained_at is None and int(stack.psql("select count(*) from core_outboxtask")) == 0:
            drained_at = time.time()
        log = (stack.dir / "worker2.log").read_text(errors="replace")
        counts = {e: len(re.findall(rf"^To: {re.escape(e)}$", log, re.M)) for e in emails}
        if drained_at and all(counts.values()):
            delivered_at = time.time()
            break
        time.sleep(0.5)
    time.sleep(3)  # a duplicate would show up within this
    log = (stack.dir / "worker2.log").read_text(errors="replace")
    counts = {e: len(re.findall(rf"^To: {re.escape(e)}$", log, re.M)) for e in emails}
    stop(relay)
    result = {
        "registrations_while_broker_down": REGISTRATIONS,
        "answers": [a[0] for a in answers],
        "latency_ms": [a[1] for a in answers],
        "outbox_rows_while_down": kept,
        "redis_down_s": round(up_at - down_at, 1),
        "outbox_drained_after_restart_s": round(drained_at - up_at, 1) if drained_at else None,
        "all_emails_sent_after_restart_s": round(delivered_at - up_at, 1) if delivered_at else None,
        "emails_per_account": sorted(set(counts.values())),
        "exactly_once": all(c == 1 for c in counts.values()),
        "relay_log_tail": (stack.dir / "relay.log").read_text()[-300:],
    }
    stamp(f"b: {result}")
    return result


# -- c: websocket reconnect during a Redis outage --------------------------------------------------------------
class Clients:
    def __init__(self, tokens):
        self.tokens = tokens
        self.events = []  # (time, client, what, detail)
        self.stopping = False

    def note(self, i, what, detail=None):
        self.events.append((time.time(), i, what, detail))

    async def client(self, session, i):
        backoff = 0.5
        url = f"ws://127.0.0.1:{WS_PORT}/ws/notifications/"
        while not self.stopping:
            try:
                # An Origin is required: AllowedHostsOriginValidator refuses a handshake without one.
                origin = f"http://127.0.0.1:{WS_PORT}"
                timeout = aiohttp.ClientWSTimeout(ws_close=2)
                async with session.ws_connect(url, origin=origin, timeout=timeout) as ws:
                    await ws.send_json({"type": "auth", "token": self.tokens[i]})
                    first = await ws.receive_json(timeout=10)
                    if first.get("type") != "ready":
                        raise RuntimeError(f"first frame {first}")
                    self.note(i, "ready")
                    backoff = 0.5
                    while not self.stopping:
                        msg = await ws.receive(timeout=1)  # ws.receive raises TimeoutError when idle
                        if msg.type != aiohttp.WSMsgType.TEXT:
                            self.note(i, "closed", ws.close_code)
                            break
                        data = json.loads(msg.data)
                        if data.get("type") == "notification":
                            self.note(i, "notification", data["notification"].get("data", {}).get("marker"))
            except TimeoutError:
                continue  # idle second: loop to check `stopping`
            except Exception as exc:  # noqa: BLE001 - every failure is recorded and retried
                self.note(i, "error", f"{type(exc).__name__}: {exc}"[:120])
            if self.stopping:
                return
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 4)


def part_c(stack, tokens):
    daphne = stack.spawn("daphne", [str(ROOT / ".venv/bin/daphne"), "-b", "127.0.0.1", "-p", str(WS_PORT),
                                    "socialflow.asgi:application"])  # fmt: skip
    clients = Clients(tokens)
    marks = {}

    def notify(marker):
        return stack.shell(NOTIFY.replace("MARKER", marker))["sent_at"]

    async def scenario():
        async with aiohttp.ClientSession() as session:
            tasks = [asyncio.create_task(clients.client(session, i)) for i in range(len(tokens))]
            loop = asyncio.get_running_loop()
            # Wait for daphne and every client's first "ready" (a busy machine starts daphne slowly).
            deadline = time.monotonic() + 40
            while time.monotonic() < deadline:
                if len({e[1] for e in clients.events if e[2] == "ready"}) == len(tokens):
                    break
                await asyncio.sleep(0.5)
            marks["before_sent"] = await loop.run_in_executor(None, notify, "before")
            await asyncio.sleep(3)
            marks["redis_killed"] = time.time()
            stack.redis_kill()
            await asyncio.sleep(10)
            marks["daphne_alive_during_outage"] = daphne.poll() is None
            stack.redis_start()
            marks["redis_started"] = time.time()
            await asyncio.sleep(15)  # clients reconnect with backoff
            marks["after_sent"] = await loop.run_in_executor(None, notify, "after")
            await asyncio.sleep(5)
            clients.stopping = True
            await asyncio.gather(*tasks, return_exceptions=True)

    try:
        asyncio.run(scenario())
    finally:
        alive = daphne.poll() is None
        stop(daphne)
    per_client = []
    for i in range(len(tokens)):
        ev = [e for e in clients.events if e[1] == i]

        def got(marker, ev=ev):
            return [round(t - marks[f"{marker}_sent"], 2) for t, _, w, d in ev if w == "notification" and d == marker]

        during = [e for e in ev if marks["redis_killed"] <= e[0] < marks["redis_started"]]
        reconnected = [e[0] for e in ev if e[2] == "ready" and e[0] >= marks["redis_started"]]
        per_client.append(
            {
                "before_received_after_s": got("before"),
                "closed_or_failed_during_outage": [
                    (round(t - marks["redis_killed"], 1), w, d) for t, _, w, d in during if w != "notification"
                ][:4],  # fmt: skip
                "reconnected_after_restart_s": round(reconnected[0] - marks["redis_started"], 2)
                if reconnected
                else None,
                "after_received_after_s": got("after"),
            }
        )
    result = {
        "clients": len(tokens),
        "redis_down_s": round(marks["redis_started"] - marks["redis_killed"], 1),
        "daphne_alive_during_outage": marks["daphne_alive_during_outage"],
        "daphne_alive_at_end": alive,
        "every_client_got_before": all(c["before_received_after_s"] for c in per_client),
        "every_client_got_after_recovery": all(len(c["after_received_after_s"]) == 1 for c in per_client),
        "per_client": per_client,
        "daphne_tracebacks": (stack.dir / "daphne.log").read_text(errors="replace").count("Traceback"),
    }
    stamp(f"c: {json.dumps(result)}")
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="artifacts/reliability/celery_drill.json")
    parser.add_argument("--parts", default="abc")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="sf-celery-drill-"))
    stack = DrillStack(workdir, PORTS)
    worker = None
    result = {"started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}
    try:
        stamp(f"private PostgreSQL and Redis in {workdir}")
        stack.pg_init()
        stack.redis_start()
        ds.sh([str(ds.PY), "manage.py", "migrate", "--noinput"], cwd=ROOT, env=stack.env())
        setup = stack.shell(SETUP.replace("FOLLOWERS", str(FOLLOWERS)).replace("WS_CLIENTS", str(WS_CLIENTS)))
        stamp("data ready")
        if "a" in args.parts:
            worker, result["a_worker_killed_mid_task"] = part_a(stack)
        else:
            worker = stack.worker_start(2)
        if "b" in args.parts:
            stack.app_start()
            result["b_broker_down_during_writes"] = part_b(stack)
        if "c" in args.parts:
            result["c_websocket_reconnect"] = part_c(stack, setup["tokens"])
        out = ROOT / args.out
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2))
        print(json.dumps(result, indent=2))
    finally:
        stop(worker)
        stack.stop_all()


if __name__ == "__main__":
    sys.exit(main())
