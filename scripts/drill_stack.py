"""The private stack the drills run against: PostgreSQL (initdb/pg_ctl) and redis-server in a scratch
directory on ports of the drill's choosing, the app under gunicorn, and for the soak daphne, a Celery
worker and localstripe. Everything binds 127.0.0.1; `stop_all` tears it down.

Used by scripts/outage_drill.py and scripts/celery_drill.py; each passes its own `Ports`.
"""

# ruff: noqa: S603, S607, S310 - a local drill: fixed commands, loopback URLs

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = ROOT / ".venv" / "bin" / "python"
# The payments tests' keys and webhook secret (payments/tests/conftest.py); localstripe accepts any key.
STRIPE_KEYS = {
    "STRIPE_SECRET_KEY": "sk_test_socialflow",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_socialflow",
    "STRIPE_WEBHOOK_SECRET": "whsec_socialflow_test",
}
WEBHOOK_PATH = "/api/v1/payments/webhooks/stripe"


@dataclass(frozen=True)
class Ports:
    pg: int
    redis: int
    app: int
    ws: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.app}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def as_postgres(cmd):
    """PostgreSQL refuses to run as root: its tools run as the postgres user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


class Stack:
    def __init__(self, workdir: Path, ports: "Ports"):
        self.ports = ports
        self.dir = workdir
        self.pgdata = workdir / "pg"
        self.redis = None
        self.app = None
        self.soak = False
        self.extra = []  # daphne and the Celery worker in the soak
        self.stripe = None  # localstripe in the soak
        self.stripe_url = None

    # -- PostgreSQL ---------------------------------------------------------------------------------
    def pg_init(self):
        self.dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        sh(as_postgres(["initdb", "-D", str(self.pgdata), "-U", "postgres", "--auth=trust", "-E", "UTF8"]))
        self.pg_start()
        sh(["createdb", "-h", "127.0.0.1", "-p", str(self.ports.pg), "-U", "postgres", "socialflow"])

    def pg_start(self):
        opts = f"-p {self.ports.pg} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        sh(as_postgres(["pg_ctl", "-D", str(self.pgdata), "-o", opts, "-l", str(self.dir / "pg.log"), "-w", "start"]))

    def pg_stop(self):
        sh(as_postgres(["pg_ctl", "-D", str(self.pgdata), "-m", "fast", "-w", "stop"]))

    def psql(self, sql):
        out = sh(
            ["psql", "-h", "127.0.0.1", "-p", str(self.ports.pg), "-U", "postgres", "-d", "socialflow", "-tAc", sql]
        )
        return out.stdout.strip()

    # -- Redis ----------------------------------------------------------------------------------------
    def redis_start(self):
        self.redis = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.ports.redis),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.5)

    # -- the app --------------------------------------------------------------------------------------
    def env(self):
        return {
            **os.environ,
            "DEBUG": "1",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.ports.pg}/socialflow",
            "REDIS_URL": f"redis://127.0.0.1:{self.ports.redis}/0",
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            # The soak registers from many X-Forwarded-For addresses (a header, not a connection).
            **({"NUM_PROXIES": "1"} if self.soak else {}),
            # Payments against the soak's localstripe: the settings the payments tests set.
            **({**STRIPE_KEYS, "STRIPE_API_BASE": self.stripe_url} if self.stripe_url else {}),
        }

    # -- localstripe (soak) ---------------------------------------------------------------------------
    def stripe_start(self):
        """tests/localstripe_server.py (loopback, in-memory) on a free port, as the test session runs it."""
        port = free_port()
        log = open(self.dir / "localstripe.log", "w")  # noqa: SIM115 - closed with the process
        self.stripe = subprocess.Popen(
            [str(PY), str(ROOT / "tests" / "localstripe_server.py"), str(port)],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.stripe.poll() is not None:
                raise RuntimeError(f"localstripe exited with {self.stripe.returncode}")
            try:
                urllib.request.urlopen(url + "/v1/customers", timeout=1)
                break
            except urllib.error.HTTPError:
                break  # it answered (401 without a key): up
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("localstripe did not start in 30 s")
        self.stripe_url = url

    def stripe_webhook_register(self):
        """localstripe signs (with the endpoint's secret) and posts its payment_intent events to the app."""
        form = urllib.parse.urlencode(
            [
                ("url", self.ports.base + WEBHOOK_PATH),
                ("secret", STRIPE_KEYS["STRIPE_WEBHOOK_SECRET"]),
                ("events[]", "payment_intent.succeeded"),
                ("events[]", "payment_intent.payment_failed"),
            ]
        ).encode()
        urllib.request.urlopen(self.stripe_url + "/_config/webhooks/socialflow-soak", data=form, timeout=5)

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
                f"127.0.0.1:{self.ports.app}",
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
                urllib.request.urlopen(self.ports.base + "/healthz", timeout=1)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the app did not start")

    def soak_prepare(self):
        """A live stream to chat in and a tiny video file to upload; daphne and a Celery worker."""
        clip = self.dir / "clip.mp4"
        sh(["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10",
            "-t", "2", "-pix_fmt", "yuv420p", str(clip)])  # fmt: skip
        script = (
            "from users.tests.factories import UserFactory;"
            "from livestream import services as s;"
            "h=UserFactory(username='soakhost');"
            "st,_k=s.stream_create(host=h, title='soak');"
            "st=s.stream_start(stream=st, actor=h);"
            "from users.services.sessions import session_start;"
            "c=UserFactory(username='soakcreator', role='creator');"
            "f=UserFactory(username='soakfan');"
            "print(st.pk, c.pk, session_start(user=f, method='password', user_agent='drill')[1]['access'])"
        )
        env = {**self.env(), "JWT_ACCESS_MINUTES": "60"}
        out = sh([str(PY), "manage.py", "shell", "-c", script], cwd=ROOT, env=env).stdout.splitlines()[-1]
        stream_id, creator_id, fan_token = out.split()
        for name, argv in (
            ("daphne", [str(ROOT / ".venv/bin/daphne"), "-b", "127.0.0.1", "-p", str(self.ports.ws),
                        "socialflow.asgi:application"]),
            ("worker", [str(ROOT / ".venv/bin/celery"), "-A", "socialflow", "worker", "-Q",
                        "default,notify,media,payments,ads", "-c", "1", "--without-gossip", "--without-mingle",
                        "--without-heartbeat", "-l", "warning"]),
        ):  # fmt: skip
            log = open(self.dir / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
            self.extra.append(subprocess.Popen(argv, cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT))
        time.sleep(5)
        return stream_id, clip.read_bytes(), creator_id, fan_token

    def stop_all(self):
        for proc in (*self.extra, self.app, self.stripe, self.redis):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGCONT)
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)
        with contextlib.suppress(subprocess.CalledProcessError):
            self.pg_stop()
