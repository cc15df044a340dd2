"""Start the real fake servers tests talk to (moto for AWS, localstripe for Stripe) on free ports."""

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server for {url} exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return  # it answered: up
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server for {url} did not start in {timeout}s")


@contextlib.contextmanager
def _serve(cmd, url, env=None):
    log = tempfile.NamedTemporaryFile(prefix="server-", suffix=".log", delete=False)  # noqa: SIM115
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        _wait_http(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextlib.contextmanager
def start_moto():
    port = free_port()
    moto = Path(sys.executable).with_name("moto_server")
    with _serve([str(moto), "-H", "127.0.0.1", "-p", str(port)], f"http://127.0.0.1:{port}/moto-api/") as url:
        yield url.removesuffix("/moto-api/")


@contextlib.contextmanager
def start_localstripe():
    port = free_port()
    cmd = [sys.executable, str(Path(__file__).with_name("localstripe_server.py")), str(port)]
    with _serve(cmd, f"http://127.0.0.1:{port}/v1/customers", env={**os.environ}) as url:
        yield url.removesuffix("/v1/customers")
