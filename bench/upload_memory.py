"""Memory of the local video upload path: stream a large file (1 GiB by default) through a server.

    .venv/bin/python bench/upload_memory.py                      # starts gunicorn itself (temp SQLite + media)
    .venv/bin/python bench/upload_memory.py --server daphne      # the same through the ASGI server
    .venv/bin/python bench/upload_memory.py --base-url http://127.0.0.1:8000 --pid 1234 --token <JWT>

What it does: POST /api/v1/videos declares the file (video/mp4, --size bytes) and receives the part URLs;
every part is PUT with a Content-Length body generated on the fly (the bench never holds a part in
memory either); then the upload is aborted (or completed with --complete) so the disk is freed.
Meanwhile a sampler reads VmRSS of the server process and its children every 20 ms. Reported: the
baseline RSS after a warm-up request, the peak during the upload, the growth, and the throughput.
The acceptance bar is growth < 50 MB for 1 GiB. Not part of the test suite.
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MiB = 1024 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def family(pid: int) -> list[int]:
    """The process and its descendants (gunicorn master + workers)."""
    pids, frontier = [pid], [pid]
    while frontier:
        current = frontier.pop()
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except FileNotFoundError:
            continue
        for child in map(int, children):
            pids.append(child)
            frontier.append(child)
    return pids


class Sampler(threading.Thread):
    """Peak RSS per process of the server family, sampled every 20 ms."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, {}, threading.Event()

    def snapshot(self) -> dict:
        return {p: rss_kib(p) for p in family(self.pid)}

    def run(self):
        while not self.stop.is_set():
            for p, kib in self.snapshot().items():
                self.peak[p] = max(self.peak.get(p, 0), kib)
            time.sleep(0.02)


class PatternBody:
    """A file-like request body of `size` bytes made on the fly (requests streams it by read())."""

    def __init__(self, size: int, seed: int):
        self.size, self.sent = size, 0
        self.block = (seed.to_bytes(4, "big") + bytes(range(256))) * (MiB // 260 + 1)

    def __len__(self):
        return self.size

    def read(self, n: int = -1) -> bytes:
        left = self.size - self.sent
        if left <= 0:
            return b""
        n = left if n is None or n < 0 else min(n, left)
        n = min(n, len(self.block))
        self.sent += n
        return self.block[:n]


def start_server(kind: str, workdir: Path) -> tuple[subprocess.Popen, str, str]:
    """Migrate a throwaway SQLite database, make a verified user and token, start the server."""
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "MEDIA_ROOT": str(workdir / "media"),
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "AWS_STORAGE_BUCKET_NAME": "",
        "REDIS_URL": "",
    }
    py = str(Path(sys.executable))
    subprocess.run([py, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    make_token = (
        "import django; django.setup()\n"
        "from django.utils import timezone\n"
        "from users.services.sessions import session_start\n"
        "from users.models import User\n"
        "u = User.objects.filter(username='uploadbench').first() or User.objects.create_user("
        "'uploadbench@example.com', 'uploadbench', 'bench-password-1', status='active', "
        "email_verified_at=timezone.now(), role='creator')\n"
        "print(session_start(user=u, method='password')[1]['access'])\n"
    )
    env_token = {**env, "DJANGO_SETTINGS_MODULE": "socialflow.settings"}
    token = (
        subprocess.run([py, "-c", make_token], cwd=ROOT, env=env_token, check=True, capture_output=True, text=True)
        .stdout.strip()
        .splitlines()[-1]
    )
    port = free_port()
    bin_dir = Path(sys.executable).parent
    if kind == "daphne":
        cmd = [str(bin_dir / "daphne"), "-b", "127.0.0.1", "-p", str(port), "socialflow.asgi:application"]
    else:
        cmd = [str(bin_dir / "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{port}", "--timeout", "600",
               "socialflow.wsgi:application"]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(f"{base}/healthz", timeout=10)
            return proc, base, token
        except requests.RequestException:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


def run(base: str, pid: int, token: str, size: int, complete: bool) -> dict:
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {token}"
    http.get(f"{base}/api/v1/videos/mine", timeout=30)  # warm-up: imports, connections
    time.sleep(0.5)
    sampler = Sampler(pid)
    baseline = sampler.snapshot()
    created = http.post(
        f"{base}/api/v1/videos",
        json={"filename": "big.mp4", "size": size, "content_type": "video/mp4", "title": "Upload memory bench"},
        timeout=60,
    )
    created.raise_for_status()
    video_id, session = created.json()["video"]["id"], created.json()["upload"]
    part_size = session["part_size"]
    sampler.start()
    started = time.monotonic()
    etags = []
    for part in session["parts"]:
        n = part["part_number"]
        length = min(part_size, size - (n - 1) * part_size)
        response = requests.put(part["url"], data=PatternBody(length, n), timeout=600)
        response.raise_for_status()
        etags.append({"part_number": n, "etag": response.headers["ETag"].strip('"')})
    elapsed = time.monotonic() - started
    if complete:
        http.post(f"{base}/api/v1/videos/{video_id}/upload/complete", json={"parts": etags}, timeout=600)
    else:
        http.delete(f"{base}/api/v1/videos/{video_id}/upload", timeout=60)
    time.sleep(0.2)
    sampler.stop.set()
    sampler.join()
    growth = {p: sampler.peak.get(p, 0) - baseline.get(p, 0) for p in sampler.peak if p in baseline}
    worst = max(growth, key=growth.get)
    return {
        "bytes": size,
        "parts": len(etags),
        "part_size": part_size,
        "seconds": round(elapsed, 1),
        "mib_per_s": round(size / MiB / elapsed, 1),
        "baseline_mib": round(baseline[worst] / 1024, 1),
        "peak_mib": round(sampler.peak[worst] / 1024, 1),
        "growth_mib": round(growth[worst] / 1024, 1),
        "processes": len(baseline),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1024 * MiB, help="bytes to upload (default 1 GiB)")
    parser.add_argument("--server", choices=["gunicorn", "daphne"], default="gunicorn")
    parser.add_argument("--base-url", help="use a running server instead of starting one")
    parser.add_argument("--pid", type=int, help="the running server's pid (with --base-url)")
    parser.add_argument("--token", help="a verified user's access token (with --base-url)")
    parser.add_argument("--complete", action="store_true", help="complete the upload instead of aborting it")
    args = parser.parse_args()
    proc, workdir = None, None
    try:
        if args.base_url:
            if not (args.pid and args.token):
                parser.error("--base-url needs --pid and --token")
            base, pid, token = args.base_url.rstrip("/"), args.pid, args.token
        else:
            workdir = Path(tempfile.mkdtemp(prefix="sf-upload-bench-"))
            proc, base, token = start_server(args.server, workdir)
            pid = proc.pid
        result = run(base, pid, token, args.size, args.complete)
        result["server"] = args.server if proc else "external"
        for key, value in result.items():
            print(f"{key:>14}: {value}")
        verdict = "PASS" if result["growth_mib"] < 50 else "FAIL"
        print(f"{'verdict':>14}: {verdict} (growth must stay under 50 MiB)")
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
