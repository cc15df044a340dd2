#!/usr/bin/env python
"""Dependency outage drill on loopback (issue 11). Not part of the test suite: run it by hand.

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
"""

# ruff: noqa: S603, S607, S310, S608 - a local drill: fixed commands, loopback URLs, ids the API minted

import argparse
import collections
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = ROOT / ".venv" / "bin" / "python"
PG_PORT, REDIS_PORT, APP_PORT = 55432, 56379, 58000
BASE = f"http://127.0.0.1:{APP_PORT}"


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def as_postgres(cmd):
    """PostgreSQL refuses to run as root: its tools run as the postgres user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


class Stack:
    def __init__(self, workdir: Path):
        self.dir = workdir
        self.pgdata = workdir / "pg"
        self.redis = None
        self.app = None

    # -- PostgreSQL ---------------------------------------------------------------------------------
    def pg_init(self):
        self.dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        sh(as_postgres(["initdb", "-D", str(self.pgdata), "-U", "postgres", "--auth=trust", "-E", "UTF8"]))
        self.pg_start()
        sh(["createdb", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "socialflow"])

    def pg_start(self):
        opts = f"-p {PG_PORT} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        sh(as_postgres(["pg_ctl", "-D", str(self.pgdata), "-o", opts, "-l", str(self.dir / "pg.log"), "-w", "start"]))

    def pg_stop(self):
        sh(as_postgres(["pg_ctl", "-D", str(self.pgdata), "-m", "fast", "-w", "stop"]))

    def psql(self, sql):
        out = sh(["psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-d", "socialflow", "-tAc", sql])
        return out.stdout.strip()

    # -- Redis ----------------------------------------------------------------------------------------
    def redis_start(self):
        self.redis = subprocess.Popen(
            ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.5)

    # -- the app --------------------------------------------------------------------------------------
    def env(self):
        return {
            **os.environ,
            "DEBUG": "1",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PG_PORT}/socialflow",
            "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
        }

    def app_prepare(self):
        sh([str(PY), "manage.py", "migrate", "--noinput"], cwd=ROOT, env=self.env())
        script = (
            "from users.tests.factories import UserFactory;"
            "from users.services.sessions import session_start;"
            "u=UserFactory(username='drill');"
            "print(session_start(user=u, method='password', user_agent='drill')[1]['access'])"
        )
        env = {**self.env(), "JWT_ACCESS_MINUTES": "60"}
        return sh([str(PY), "manage.py", "shell", "-c", script], cwd=ROOT, env=env).stdout.strip().splitlines()[-1]

    def app_start(self):
        env = {**self.env(), "JWT_ACCESS_MINUTES": "60"}
        log = open(self.dir / "app.log", "w")  # noqa: SIM115 - closed with the process
        self.app = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "socialflow.wsgi:application",
                "--bind",
                f"127.0.0.1:{APP_PORT}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--timeout",
                "30",
            ],  # fmt: skip
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(BASE + "/healthz", timeout=1)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the app did not start")

    def stop_all(self):
        for proc in (self.app, self.redis):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGCONT)
                proc.terminate()
                proc.wait(timeout=10)
        with contextlib.suppress(subprocess.CalledProcessError):
            self.pg_stop()


class Load:
    """Bounded closed-loop load: a few threads, each request with a 5 s timeout."""

    def __init__(self, token):
        self.token = token
        self.records = []  # (t, name, status, seconds)
        self.acknowledged = []  # ids of posts the API answered 201 for
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def call(self, name, method, path, body=None, auth=False):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(BASE + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if auth:
            req.add_header("Authorization", f"Bearer {self.token}")
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
        return status

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
            else:
                self.call("readyz", "GET", "/readyz")
                time.sleep(0.5)

    def start(self):
        self.threads = [threading.Thread(target=self.worker, args=(k,), daemon=True)
                        for k in ("read", "read", "write", "ready")]  # fmt: skip
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
    pids = [pid, *[int(p) for p in sh(["pgrep", "-P", str(pid)]).stdout.split()]]
    for p in pids:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def soak(stack, load, seconds):
    """No faults: the mixed load for `seconds`, then p95 per endpoint, 5xx and memory growth."""
    time.sleep(5)  # warm-up excluded from the memory baseline
    rss_start, started = rss_kib(stack.app.pid), time.monotonic()
    time.sleep(seconds)
    rss_end = rss_kib(stack.app.pid)
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
            "p95_ms": round(lat[int(len(lat) * 0.95) - 1] * 1000, 1),
            "statuses": dict(collections.Counter(str(s) for s, _e in items)),
        }
    report["server_errors_5xx"] = sum(1 for r in rows if r[2] >= 500)
    return report


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="artifacts/reliability/outage.json")
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--soak", type=int, default=0, help="seconds of fault-free mixed load instead of the drill")
    args = parser.parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="sf-drill-"))
    stack = Stack(workdir)
    marks = {}
    try:
        print("private PostgreSQL and Redis in", workdir, flush=True)
        stack.pg_init()
        stack.redis_start()
        token = stack.app_prepare()
        stack.app_start()
        load = Load(token)
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
