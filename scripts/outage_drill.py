#!/usr/bin/env python
"""Dependency outage drill on loopback (issue 11). Not part of the test suite: run it by hand.
The private stack itself (PostgreSQL, Redis, app processes, localstripe) is scripts/drill_stack.py.

Starts a PRIVATE PostgreSQL (initdb + pg_ctl, port 55432) and a PRIVATE redis-server (port 56379) in a
scratch directory, migrates, serves the app with gunicorn (as deployed) on 127.0.0.1:58000, and drives a
bounded mixed load (anonymous feed and list reads, signed-in post creation, readiness) while it:

  1. pauses Redis (SIGSTOP) for 10 s, then resumes it;
  2. kills Redis (SIGKILL), leaves it down 15 s, restarts it;
  3. terminates every PostgreSQL backend of the app;
  4. stops PostgreSQL for 30 s (pg_ctl stop -m fast), then starts it again (the app is NOT restarted).

It records every response and prints, per phase: status counts (500s are failures), time from the
outage to the first 503, time from the restart to the first success, the readiness answers, and whether
any acknowledged write (a 201 for POST /posts) is missing afterwards. Everything stays on 127.0.0.1 and
the whole run is bounded (about 2.5 minutes plus setup).

    .venv/bin/python scripts/outage_drill.py --out artifacts/reliability/outage.json
    .venv/bin/python scripts/outage_drill.py --soak 600 --out artifacts/reliability/soak.json  # no faults

The soak adds to the same load: a registration every ~6 s (each from its own X-Forwarded-For, behind
NUM_PROXIES=1, so the 5/hour registration limit per address is not what is measured), a small video
(2 s, 160x120, made with ffmpeg) uploaded through the API's upload path every ~20 s (create, PUT the
part to the signed URL, complete), processed by a Celery worker, and live chat over websocket on daphne
(a sender posts every 2 s, a second socket must receive each message; "ws_chat" is the time to receive),
and a tip every ~20 s against a private localstripe (as the payments tests run it, on a free loopback
port): a fan makes a test-card PaymentMethod at localstripe, POSTs /api/v1/tips (the PaymentIntent is
confirmed there), localstripe signs and posts payment_intent.succeeded to the app's webhook endpoint,
the Celery worker books it; "tip_settled" is the time from the 201 to GET /tips/{id} showing succeeded.
At the end the database must hold every 201-answered tip succeeded exactly once (one earning entry,
one webhook event, one notification each).
"""

# ruff: noqa: S603, S607, S310, S608 - a local drill: fixed commands, loopback URLs, ids the API minted

import argparse
import asyncio
import collections
import contextlib
import json
import math
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import aiohttp
from drill_stack import ROOT, STRIPE_KEYS, Ports, Stack

PORTS = Ports(pg=55432, redis=56379, app=58000, ws=58001)
BASE = PORTS.base
WS_PORT = PORTS.ws


class Load:
    """Bounded closed-loop load: a few threads, each request with a 5 s timeout."""

    def __init__(self, token, soak=None):
        self.token = token
        self.soak = soak  # (stream id, video bytes, creator id, fan token) in the soak
        self.stripe_url = None  # localstripe, for the fan's test-card PaymentMethods
        self.records = []  # (t, name, status, seconds)
        self.acknowledged = []  # ids of posts the API answered 201 for
        self.tips = []  # ids of tips the API answered 2xx for
        self.tip_attempts = 0  # POST /tips sent
        self.tip_setup_failures = 0  # localstripe refused a PaymentMethod (no tip attempted)
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def call(self, name, method, path, body=None, auth=False, headers=None, raw=None):
        data = json.dumps(body).encode() if body is not None else raw
        url = path if path.startswith("http") else BASE + path
        req = urllib.request.Request(url, data=data, method=method)
        req.add_header("Content-Type", "application/json" if raw is None else "application/octet-stream")
        if auth:
            req.add_header("Authorization", f"Bearer {auth if isinstance(auth, str) else self.token}")
        for key, value in (headers or {}).items():
            req.add_header(key, value)
        started = time.monotonic()
        try:
            with urllib.request.urlopen(req, timeout=5) as resp:
                status, payload = resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            status, payload = exc.code, exc.read()
        except OSError:
            status, payload = 0, b""  # connection refused / timeout
        elapsed = time.monotonic() - started
        with self.lock:
            self.records.append((started, name, status, elapsed))
            if name == "create_post" and status == 201:
                self.acknowledged.append(json.loads(payload)["id"])
            if name == "tip_create" and 200 <= status < 300:
                self.tips.append(json.loads(payload)["tip"]["id"])
        return status, payload

    def tip(self):
        """A signed-in fan tips the creator: card at localstripe (as Stripe.js would), then the real API."""
        _stream, _video, creator_id, fan_token = self.soak
        card = urllib.parse.urlencode(
            {"type": "card", "card[number]": "4242424242424242", "card[exp_month]": "12",
             "card[exp_year]": "2034", "card[cvc]": "123"}
        ).encode()  # fmt: skip
        req = urllib.request.Request(self.stripe_url + "/v1/payment_methods", data=card, method="POST")
        req.add_header("Authorization", f"Bearer {STRIPE_KEYS['STRIPE_SECRET_KEY']}")
        try:
            with urllib.request.urlopen(req, timeout=5) as resp:
                payment_method = json.loads(resp.read())["id"]
        except (OSError, ValueError, KeyError):
            with self.lock:
                self.tip_setup_failures += 1
            return
        body = {"creator": creator_id, "amount": 500, "currency": "usd", "payment_method": payment_method}
        with self.lock:
            self.tip_attempts += 1
        status, payload = self.call(
            "tip_create", "POST", "/api/v1/tips", body, fan_token, headers={"Idempotency-Key": uuid.uuid4().hex}
        )
        if not 200 <= status < 300:
            return
        tip_id, answered = json.loads(payload)["tip"]["id"], time.monotonic()
        # localstripe posts payment_intent.succeeded ~1 s after the confirm; the worker books it.
        settled = False
        while not settled and time.monotonic() - answered < 15:
            time.sleep(0.5)
            status, payload = self.call("tip_detail", "GET", f"/api/v1/tips/{tip_id}", None, fan_token)
            settled = status == 200 and json.loads(payload)["status"] == "succeeded"
        with self.lock:
            self.records.append((answered, "tip_settled", 200 if settled else 0, time.monotonic() - answered))

    def register(self, n):
        tag = uuid.uuid4().hex[:10]
        body = {"email": f"soak-{tag}@drill.test", "username": f"soak_{tag}", "password": "quiet-river-1987"}
        # A header value only (documentation range, never contacted): one client address per sign-up.
        self.call(
            "register", "POST", "/api/v1/auth/register", body, headers={"X-Forwarded-For": f"203.0.113.{n % 250 + 1}"}
        )

    def upload(self):
        video = self.soak[1]
        body = {"title": "soak clip", "filename": "clip.mp4", "size": len(video), "content_type": "video/mp4"}
        status, payload = self.call("video_create", "POST", "/api/v1/videos", body, auth=True)
        if status != 201:
            return
        created = json.loads(payload)
        part = created["upload"]["parts"][0]
        status, payload = self.call("video_part_put", "PUT", part["url"], raw=video)
        if status != 200:
            return
        done = {"parts": [{"part_number": 1, "etag": json.loads(payload)["etag"]}]}
        self.call("video_complete", "POST", f"/api/v1/videos/{created['video']['id']}/upload/complete", done, True)

    def chat(self):
        """Two sockets on the live stream's chat: the sender posts every 2 s, the listener times receipt."""

        async def run():
            url = f"ws://127.0.0.1:{WS_PORT}/ws/streams/{self.soak[0]}/chat/"
            origin = f"http://127.0.0.1:{WS_PORT}"
            sent = {}
            async with aiohttp.ClientSession() as session:
                while not self.stop.is_set():
                    try:
                        async with (
                            session.ws_connect(url, origin=origin) as tx,
                            session.ws_connect(url, origin=origin) as rx,
                        ):
                            await tx.send_json({"type": "auth", "token": self.token})
                            await rx.send_json({"type": "join", "viewer_key": "soak-listener"})
                            await asyncio.sleep(1)
                            while not self.stop.is_set():
                                marker = uuid.uuid4().hex[:8]
                                sent[marker] = time.monotonic()
                                await tx.send_json({"type": "chat", "body": f"soak {marker}"})
                                deadline = time.monotonic() + 5
                                got = False
                                while time.monotonic() < deadline and not got:
                                    with contextlib.suppress(TimeoutError):
                                        msg = await rx.receive(timeout=deadline - time.monotonic())
                                        if msg.type != aiohttp.WSMsgType.TEXT:
                                            raise ConnectionError(f"listener closed {rx.close_code}")
                                        got = marker in msg.data
                                with self.lock:
                                    self.records.append((sent[marker], "ws_chat", 200 if got else 0,
                                                         time.monotonic() - sent[marker]))  # fmt: skip
                                await asyncio.sleep(max(0.0, 2 - (time.monotonic() - sent[marker])))
                    except (aiohttp.ClientError, ConnectionError, OSError):
                        with self.lock:
                            self.records.append((time.monotonic(), "ws_chat", 0, 0.0))
                        await asyncio.sleep(1)

        asyncio.run(run())

    def worker(self, kind):
        while not self.stop.is_set():
            # Paced under the API's own rate limits (anonymous 300/min per address, 30 posts/min per
            # user), so the answers measure the outage, not the throttles.
            if kind == "read":
                self.call("feed_latest", "GET", "/api/v1/feed/latest")
                self.call("posts_list", "GET", "/api/v1/posts?limit=20")
                time.sleep(0.9)
            elif kind == "write":
                self.call("create_post", "POST", "/api/v1/posts", {"text": f"drill {uuid.uuid4().hex[:8]}"}, True)
                if self.acknowledged:
                    target = self.acknowledged[-1]
                    self.call("like", "POST", f"/api/v1/posts/{target}/like", None, True)
                    self.call("comment", "POST", f"/api/v1/posts/{target}/comments", {"text": "nice #drill"}, True)
                    self.call("post_detail", "GET", f"/api/v1/posts/{target}")
                time.sleep(2.2)
            elif kind == "register":
                self.register(len(self.records))
                time.sleep(6)
            elif kind == "upload":
                self.upload()
                time.sleep(20)
            elif kind == "chat":
                self.chat()
            elif kind == "tip":
                started = time.monotonic()
                self.tip()
                self.stop.wait(max(0.0, 20 - (time.monotonic() - started)))
            else:
                self.call("readyz", "GET", "/readyz")
                time.sleep(0.5)

    def start(self):
        kinds = ["read", "read", "write", "ready"] + (["register", "upload", "chat", "tip"] if self.soak else [])
        self.threads = [threading.Thread(target=self.worker, args=(k,), daemon=True) for k in kinds]
        for t in self.threads:
            t.start()

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=10)


def summarise(load, marks, stack):
    phases = []
    names = list(marks)
    for i, name in enumerate(names):
        start = marks[name]["t"]
        end = marks[names[i + 1]]["t"] if i + 1 < len(names) else float("inf")
        rows = [r for r in load.records if start <= r[0] < end]
        by_status = collections.Counter(str(r[2]) for r in rows)
        first_503 = next((r[0] - start for r in rows if r[2] == 503), None)
        restored = marks[name].get("restored")
        recovery = {}
        if restored is not None:
            for endpoint in ("feed_latest", "posts_list", "create_post", "readyz"):
                ok = next((r[0] + r[3] - restored for r in rows if r[1] == endpoint and r[0] >= restored
                           and 200 <= r[2] < 300), None)  # fmt: skip
                recovery[endpoint] = round(ok, 2) if ok is not None else None
        per_endpoint = {
            ep: dict(collections.Counter(str(r[2]) for r in rows if r[1] == ep))
            for ep in ("feed_latest", "posts_list", "create_post", "readyz")
        }
        phases.append(
            {
                "phase": name,
                "requests": len(rows),
                "statuses": dict(by_status),
                "per_endpoint": per_endpoint,
                "server_errors_500": by_status.get("500", 0),
                "first_503_after_s": round(first_503, 2) if first_503 is not None else None,
                "recovery_after_restart_s": recovery or None,
            }
        )
    ids = load.acknowledged
    stored = 0
    if ids:
        quoted = ",".join(f"'{i}'" for i in ids)
        stored = int(stack.psql(f"select count(*) from content_post where id in ({quoted})"))
    return {"phases": phases, "acknowledged_writes": len(ids), "acknowledged_writes_missing": len(ids) - stored}


def rss_kib(pid: int) -> int:
    """Resident memory of a process and its children (gunicorn master and workers)."""
    total = 0
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False).stdout
    pids = [pid, *[int(p) for p in children.split()]]
    for p in pids:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def soak(stack, load, seconds):
    """No faults: the mixed load for `seconds`, then p95 per endpoint, 5xx and memory growth."""
    time.sleep(5)  # warm-up excluded from the memory baseline
    rss_start, started = rss_kib(stack.app.pid), time.monotonic()
    others_start = {p.args[0].rsplit("/", 1)[-1]: rss_kib(p.pid) for p in stack.extra}
    # Sampled every 30 s: a step when new code paths warm up and a steady leak look alike at the ends.
    samples = []
    while time.monotonic() - started < seconds:
        time.sleep(min(30, seconds - (time.monotonic() - started)))
        samples.append((round(time.monotonic() - started), rss_kib(stack.app.pid)))
    rss_end = rss_kib(stack.app.pid)
    others_end = {p.args[0].rsplit("/", 1)[-1]: rss_kib(p.pid) for p in stack.extra}
    load.finish()
    rows = [r for r in load.records if r[0] >= started]
    per = collections.defaultdict(list)
    for _t, name, status, elapsed in rows:
        per[name].append((status, elapsed))
    report = {"seconds": seconds, "requests": len(rows), "rss_kib_start": rss_start, "rss_kib_end": rss_end}
    for name, items in sorted(per.items()):
        lat = sorted(e for _s, e in items)
        report[name] = {
            "count": len(items),
            "p50_ms": round(lat[len(lat) // 2] * 1000, 1),
            "p95_ms": round(lat[max(0, math.ceil(len(lat) * 0.95) - 1)] * 1000, 1),  # nearest rank
            "statuses": dict(collections.Counter(str(s) for s, _e in items)),
        }
    report["server_errors_5xx"] = sum(1 for r in rows if r[2] >= 500)
    report["rss_kib_other_start"], report["rss_kib_other_end"] = others_start, others_end
    report["rss_kib_samples"] = samples
    if stack.extra:
        time.sleep(10)  # the worker finishes the last upload
        report["videos"] = dict(
            line.split("|")
            for line in stack.psql("select status, count(*) from content_video group by status").splitlines()
        )
        report["accounts_registered"] = int(stack.psql("select count(*) from users_user where username like 'soak_%'"))
        report["tips"] = tips_check(stack, load)
    return report


def tips_check(stack, load, wait=30):
    """Every tip answered 2xx succeeded exactly once: one succeeded row, one earning, one event, one notice."""
    ids = list(load.tips)
    result = {"attempts": load.tip_attempts, "acknowledged": len(ids), "card_setup_failures": load.tip_setup_failures}
    if not ids:
        return {**result, "exactly_once": False}
    quoted = ",".join(f"'{i}'" for i in ids)
    deadline = time.monotonic() + wait  # the last tip's webhook may still be in the worker
    while True:
        succeeded = int(stack.psql(f"select count(*) from payments_tip where id in ({quoted}) and status='succeeded'"))
        if succeeded == len(ids) or time.monotonic() > deadline:
            break
        time.sleep(1)
    statuses = dict(
        line.split("|")
        for line in stack.psql(
            f"select status, count(*) from payments_tip where id in ({quoted}) group by status"
        ).splitlines()
    )
    # Per tip: earning entries keyed by its charge, payment_intent.succeeded events for its intent, notices.
    per_tip = stack.psql(
        "select t.id,"
        " (select count(*) from payments_journalentry j where j.external_key = 'earning:' || t.stripe_charge_id),"
        " (select count(*) from payments_webhookevent w where w.type = 'payment_intent.succeeded'"
        "   and w.payload->'data'->'object'->>'id' = t.stripe_payment_intent_id),"
        " (select count(*) from notifications_notification n where n.type = 'tip_received' and n.target_id = t.id::text)"
        f" from payments_tip t where t.id in ({quoted})"
    ).splitlines()
    counts = [tuple(int(x) for x in line.split("|")[1:]) for line in per_tip]
    fan_rows = int(stack.psql("select count(*) from payments_tip t join users_user u on u.id = t.fan_id "
                              "where u.username = 'soakfan'"))  # fmt: skip
    result.update(
        {
            "statuses": statuses,
            "succeeded": succeeded,
            "lost": len(ids) - succeeded,
            "rows_for_the_fan": fan_rows,  # more than attempts would be a duplicate tip
            "earning_entries": sum(c[0] for c in counts),
            "webhook_events": sum(c[1] for c in counts),
            "notifications": sum(c[2] for c in counts),
            "webhook_event_statuses": dict(
                line.split("|")
                for line in stack.psql(
                    "select status, count(*) from payments_webhookevent group by status"
                ).splitlines()
            ),
        }
    )
    result["exactly_once"] = (
        succeeded == len(ids)
        and fan_rows <= load.tip_attempts
        and len(counts) == len(ids)
        and all(c == (1, 1, 1) for c in counts)
    )
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="artifacts/reliability/outage.json")
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--soak", type=int, default=0, help="seconds of fault-free mixed load instead of the drill")
    args = parser.parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="sf-drill-"))
    stack = Stack(workdir, PORTS)
    marks = {}
    try:
        print("private PostgreSQL and Redis in", workdir, flush=True)
        stack.pg_init()
        stack.redis_start()
        stack.soak = bool(args.soak)
        token = stack.app_prepare()
        if args.soak:
            stack.stripe_start()  # before the app and the worker: their environment points at it
        soak_extra = stack.soak_prepare() if args.soak else None
        stack.app_start()
        load = Load(token, soak_extra)
        if args.soak:
            stack.stripe_webhook_register()
            load.stripe_url = stack.stripe_url
        load.start()
        if args.soak:
            result = soak(stack, load, args.soak)
            out = ROOT / args.out
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(result, indent=2))
            print(json.dumps(result, indent=2))
            return

        def mark(name, **extra):
            marks[name] = {"t": time.monotonic(), **extra}
            print(f"{time.strftime('%H:%M:%S')} {name}", flush=True)

        mark("baseline")
        time.sleep(10)
        mark("redis_paused")
        stack.redis.send_signal(signal.SIGSTOP)
        time.sleep(10)
        stack.redis.send_signal(signal.SIGCONT)
        marks["redis_paused"]["restored"] = time.monotonic()
        time.sleep(10)
        mark("redis_killed")
        stack.redis.kill()
        stack.redis.wait()
        time.sleep(15)
        stack.redis_start()
        marks["redis_killed"]["restored"] = time.monotonic()
        time.sleep(15)
        mark("pg_backends_terminated")
        stack.psql("select count(pg_terminate_backend(pid)) from pg_stat_activity "
                   "where datname='socialflow' and pid <> pg_backend_pid()")  # fmt: skip
        marks["pg_backends_terminated"]["restored"] = time.monotonic()
        time.sleep(10)
        mark("pg_stopped_30s")
        stack.pg_stop()
        time.sleep(30)
        stack.pg_start()
        marks["pg_stopped_30s"]["restored"] = time.monotonic()
        time.sleep(20)
        mark("end")
        load.finish()
        marks.pop("end")
        result = summarise(load, marks, stack)
        result["app_500_log_lines"] = sum(
            1 for line in (workdir / "app.log").read_text().splitlines() if '"status_code": 500' in line
        )
        out = ROOT / args.out
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2))
        print(json.dumps(result, indent=2))
    finally:
        stack.stop_all()


if __name__ == "__main__":
    sys.exit(main())
