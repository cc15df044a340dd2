"""Scenarios 1–3 and 8 of docs/benchmarks.md: the HTTP API under gunicorn (and daphne for comparison),
each endpoint beside the floor measured in the same run, query counts per endpoint, and login cost.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/socialflow_bench REDIS_URL=redis://127.0.0.1:6379/12 \
        .venv/bin/python bench/http_bench.py [--seconds 15] [--connections 16] [--skip-asgi]

Needs `manage.py bench_seed` run on that database first and `wrk` on the PATH (Debian package `wrk`).
The load generator is a separate process (wrk) on loopback; every run is bounded in time.
"""

import argparse
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVER_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "bench-secret-key-not-for-production-0123456789abcdef",
    "FIELD_ENCRYPTION_KEY": "bench-field-key",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",  # testserver: the in-process query counts
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "SECURE_HSTS_SECONDS": "0",
    "BENCH_ENDPOINTS": "1",
    "CELERY_TASK_ALWAYS_EAGER": "0",
    "LOG_LEVEL": "WARNING",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(kind: str, workers: int, extra_env: dict | None = None):
    port = free_port()
    bin_dir = Path(sys.executable).parent
    if kind == "gunicorn":
        cmd = [
            str(bin_dir / "gunicorn"),
            "socialflow.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--log-level",
            "warning",
        ]
    else:
        # One daphne process per worker would need a balancer in front; uvicorn has its own workers.
        cmd = [str(bin_dir / "daphne"), "-b", "127.0.0.1", "-p", str(port), "socialflow.asgi:application"]
    env = {**os.environ, **SERVER_ENV, **(extra_env or {})}
    if kind == "daphne":
        # Under ASGI every sync-view thread keeps its own persistent connection and PostgreSQL runs out
        # (max_connections 100: "too many clients"); an ASGI server that serves HTTP needs 0 here.
        env["CONN_MAX_AGE"] = "0"
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"{kind} did not start")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()  # a server stuck in its threads must not outlive (or fail) the run
            proc.wait(timeout=10)


def wrk(
    base: str, paths: list[str], tokens: list[str], *, seconds: int, connections: int, method="GET", bodies=()
) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        paths_file, tokens_file, bodies_file = Path(tmp, "paths"), Path(tmp, "tokens"), Path(tmp, "bodies")
        paths_file.write_text("\n".join(paths))
        tokens_file.write_text("\n".join(tokens))
        bodies_file.write_text("\n".join(bodies))
        env = {
            **os.environ,
            "PATHS_FILE": str(paths_file),
            "TOKENS_FILE": str(tokens_file),
            "BODIES_FILE": str(bodies_file),
            "METHOD": method,
        }
        cmd = [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "5s",
            "-s",
            str(ROOT / "bench" / "wrk_rotate.lua"),
            base,
        ]
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def warm(base: str, paths: list[str], tokens: list[str], users: list, t: dict) -> float:
    """Read until every path and every viewer has been read once (fills the caches); the seconds it took.

    The caches' entries are ended first: entries left by an earlier run would otherwise all expire (TTL)
    together inside the measured window, a synchronised rebuild that steady traffic never sees.
    """
    from content.selectors.details import POST, VIDEO
    from content.selectors.viewer_facts import NAMESPACE as VIEWER
    from content.selectors.viewer_facts import detail_cache_seconds
    from core.epoch_cache import epochs_bump
    from social.feeds.cache import feed_epochs_bump

    feed_epochs_bump([u.pk for u in users])
    for namespace, ids in ((VIEWER, [u.pk for u in users]), (POST, t["posts"]), (VIDEO, t["videos"])):
        epochs_bump(namespace, ids, seconds=detail_cache_seconds())  # the readers' TTL: epochs outlive entries
    start = time.monotonic()
    for i in range(max(len(paths), len(tokens))):
        request = urllib.request.Request(
            base + paths[i % len(paths)], headers={"Authorization": f"Bearer {tokens[i % len(tokens)]}"}
        )
        urllib.request.urlopen(request, timeout=30).read()
    return time.monotonic() - start


# Endpoints read through caches ended by writes (social/feeds/cache.py, content/selectors/details.py):
# measured warm, after a read of each path and by each viewer, which is the steady state of a feed people
# refresh and of popular posts; the cold build is in the uncached query counts.
CACHED = {"following feed", "post detail", "video detail"}


def setup_django():
    os.environ.update(SERVER_ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialflow.settings")
    import django

    django.setup()


def pick_targets(viewers: int) -> dict:
    """Real ids from the seeded data: viewers who follow people, public posts, videos, commented posts."""
    from content.models import Post, Video
    from users.models import User
    from users.services.sessions import session_start

    users = list(User.objects.filter(username__startswith="bench", following_count__gt=20).order_by("id")[:viewers])
    tokens = [session_start(user=u, method="password", user_agent="bench")[1]["access"] for u in users]
    posts = list(Post.objects.filter(visibility="public").order_by("-likes_count").values_list("id", flat=True)[:2000])
    commented = list(Post.objects.filter(visibility="public", comments_count__gt=5).values_list("id", flat=True)[:500])
    videos = list(Video.objects.filter(visibility="public", status="ready").values_list("id", flat=True)[:1000])
    return {"tokens": tokens, "users": users, "posts": posts, "commented": commented, "videos": videos}


def endpoints(t: dict) -> dict[str, tuple[list[str], str]]:
    return {
        "floor (20-row JSON)": (["/bench/floor"], "GET"),
        "following feed": (["/api/v1/feed/following"], "GET"),
        "post detail": ([f"/api/v1/posts/{p}" for p in t["posts"]], "GET"),
        "video detail": ([f"/api/v1/videos/{v}" for v in t["videos"]], "GET"),
        "comment list": ([f"/api/v1/posts/{p}/comments" for p in t["commented"]], "GET"),
        "search": ([f"/api/v1/search?q={w}&type=posts" for w in ("coffee", "river", "garden", "music")], "GET"),
        "ads serve": (["/api/v1/ads/serve?placement=feed&count=1"], "GET"),
        "like/unlike": ([f"/api/v1/posts/{p}/like" for p in t["posts"][:500]], "TOGGLE"),
    }


def query_counts(t: dict) -> dict:
    """Queries per request at page size 1 and 20, through the real URL stack in-process.

    Counted with the feed-page, detail and session caches off: a cache hit costs 0 queries, which says
    nothing about the query shape. (Ads keep their own caches of campaign data; their counts include those.)
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    client = Client(HTTP_AUTHORIZATION=f"Bearer {t['tokens'][0]}")
    out = {}
    with override_settings(FEED_PAGE_CACHE_SECONDS=0, AUTH_SESSION_CACHE_SECONDS=0, CONTENT_DETAIL_CACHE_SECONDS=0):
        for name, (paths, method) in endpoints(t).items():
            if method != "GET" or "floor" in name:
                continue
            row = {}
            for size in (1, 20):
                sep = "&" if "?" in paths[0] else "?"
                with CaptureQueriesContext(connection) as ctx:
                    response = client.get(f"{paths[0]}{sep}limit={size}")
                row[size] = (len(ctx.captured_queries), response.status_code)
            out[name] = row
    return out


def login_throughput(t: dict, *, seconds: int, connections: int, workers: int) -> dict:
    """Scenario 8b: POST /auth/login as the seeded users (their password is bench.seed.BENCH_PASSWORD),
    on a server whose login throttles are lifted, so the figure is the endpoint's own cost."""
    from bench.seed import BENCH_PASSWORD

    bodies = [json.dumps({"login": u.username, "password": BENCH_PASSWORD}) for u in t["users"]]
    # Login is anonymous, so the per-IP anonymous rate applies too; all three are lifted.
    lifted = {"THROTTLE_LOGIN": "1000000/min", "THROTTLE_LOGIN_ACCOUNT": "1000000/min", "THROTTLE_ANON": "1000000/min"}
    with serve("gunicorn", workers, extra_env=lifted) as base:
        return wrk(
            base, ["/api/v1/auth/login"], [], seconds=seconds, connections=connections, method="POST", bodies=bodies
        )


def login_cost() -> dict:
    from django.contrib.auth.hashers import check_password, make_password

    encoded = make_password("bench-password-1", hasher="argon2")
    runs = []
    for _ in range(20):
        start = time.perf_counter()
        check_password("bench-password-1", encoded)
        runs.append((time.perf_counter() - start) * 1000)
    runs.sort()
    return {"argon2_verify_ms_median": round(runs[len(runs) // 2], 1), "argon2_params": encoded.split("$")[3]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--viewers", type=int, default=300)
    parser.add_argument("--skip-asgi", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated endpoint names")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install -y wrk")
    setup_django()
    t = pick_targets(args.viewers)
    print(f"viewers={len(t['tokens'])} posts={len(t['posts'])} videos={len(t['videos'])}", flush=True)
    results = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "args": vars(args), "wsgi": {}, "asgi": {}}
    results["login"] = login_cost()
    results["queries"] = query_counts(t)
    selected = {n: v for n, v in endpoints(t).items() if not args.only or n in args.only.split(",") or "floor" in n}
    for kind, key in (("gunicorn", "wsgi"), ("daphne", "asgi")):
        if kind == "daphne" and args.skip_asgi:
            continue
        with serve(kind, args.workers) as base:
            wrk(base, ["/bench/floor"], [], seconds=3, connections=4)  # warm-up
            for name, (paths, method) in selected.items():
                if kind == "daphne" and name not in ("floor (20-row JSON)", "following feed", "post detail"):
                    continue
                warm_up = round(warm(base, paths, t["tokens"], t["users"], t), 1) if name in CACHED else None
                r = wrk(base, paths, t["tokens"], seconds=args.seconds, connections=args.connections, method=method)
                if warm_up is not None:
                    r["warm_up_seconds"] = warm_up
                results[key][name] = r
                print(
                    f"{kind:8} {name:22} {r['rps']:8.1f} req/s  p50 {r['p50_ms']:6.1f}  p95 {r['p95_ms']:6.1f}  "
                    f"p99 {r['p99_ms']:6.1f} ms  non-2xx {r['non_2xx']}",
                    flush=True,
                )
    if not args.only or "login" in args.only.split(","):
        r = results["login"]["endpoint"] = login_throughput(
            t, seconds=args.seconds, connections=args.connections, workers=args.workers
        )
        print(
            f"gunicorn {'login (throttles lifted)':22} {r['rps']:8.1f} req/s  p50 {r['p50_ms']:6.1f}  "
            f"p95 {r['p95_ms']:6.1f}  p99 {r['p99_ms']:6.1f} ms  non-2xx {r['non_2xx']}",
            flush=True,
        )
    floor = results["wsgi"]["floor (20-row JSON)"]["rps"]
    for r in results["wsgi"].values():
        r["ratio_to_floor"] = round(r["rps"] / floor, 2)
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    path = out_dir / f"http-{datetime.now(UTC):%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(results, indent=2, default=str))
    print(json.dumps({"queries": results["queries"], "login": results["login"]}, indent=1))
    print(f"written {path}")


if __name__ == "__main__":
    main()
