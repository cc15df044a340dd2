"""Dashboard fixtures: signed-in browser-like clients and a second factor for a persona."""

import io
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
import responses
from django.conf import settings
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from payments.tests.conftest import card, stripe_api, stripe_on  # noqa: F401 - payments' Stripe fixtures
from users.services import totp_confirm, totp_setup
from users.tests.factories import UserFactory

PASSWORD = "correct-horse-battery"  # what UserFactory sets


def totp_code(device: TOTPDevice, *, steps_ahead: int = 1) -> str:
    """An authenticator code for `device`.

    Enrolment consumed the current 30 s step (a code is never accepted twice), so by default this is the
    next step's code, which django-otp accepts within its one-step tolerance.
    """
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.drift = steps_ahead
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def totp_device():
    """`totp_device(user)` → the user's confirmed TOTPDevice, enrolled through users.services; the backup
    codes shown at enrolment are on `device.backup_codes`."""

    def make(user) -> TOTPDevice:
        totp_setup(user=user)
        pending = TOTPDevice.objects.get(user=user, confirmed=False)
        codes = totp_confirm(user=user, code=totp_code(pending, steps_ahead=0))
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        device.backup_codes = codes
        user.refresh_from_db()
        return device

    return make


@pytest.fixture
def dashboard_client():
    """`dashboard_client(user)` → a Client with a signed-in session (no second factor passed)."""

    def make(u) -> Client:
        c = Client()
        c.force_login(u)
        return c

    return make


@pytest.fixture
def second_creator(db):
    return UserFactory(username="dora", role="creator")


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"


@pytest.fixture
def browser_page(live_server, monkeypatch):
    """A Chromium page (Debian's binary, phone-sized when asked) against the live server.

    Playwright's sync API runs an event loop in this thread; the test's own ORM calls are ordinary
    blocking calls between browser steps, so Django's async-safety guard is told to stand aside.
    """
    if not CHROMIUM.exists():
        pytest.skip("needs /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        console_errors: list[str] = []
        page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
        page.console_errors = console_errors
        try:
            yield page
        finally:
            context.close()
            browser.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as a test artifact (artifacts/screenshots/, gitignored)."""
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def browser_sign_in(page, *, login: str, password: str = PASSWORD, device: TOTPDevice | None = None):
    page.goto("/dashboard/")
    page.get_by_label("Email or username").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if device is not None:
        page.wait_for_url("**/dashboard/verify/**")
        page.get_by_label("Code").fill(totp_code(device))
        page.get_by_role("button", name="Verify").click()
    page.wait_for_selector("h1")


@pytest.fixture(scope="session")
def video_clip(tmp_path_factory) -> Path:
    """A real 3 s 640x360 H.264/AAC clip made by ffmpeg's lavfi sources (no media files checked in)."""
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not installed")
    path = tmp_path_factory.mktemp("dashboard-clips") / "clip.mp4"
    subprocess.run(
        [
            "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", "testsrc=duration=3:size=640x360:rate=30",
            "-f", "lavfi", "-i", "sine=frequency=440:duration=3",
            "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(path),
        ],
        check=True,
    )  # fmt: skip
    return path


@pytest.fixture
def make_video(video_clip, django_capture_on_commit_callbacks):
    """`make_video(author, title, data=None)` → a video uploaded and processed through content.services
    (the clip by default; other bytes end in `failed` with the pipeline's reason)."""
    from content.services.videos import video_create, video_upload_complete, video_upload_part_receive

    def make(author, title, *, data: bytes | None = None):
        data = video_clip.read_bytes() if data is None else data
        video = video_create(author=author, filename="clip.mp4", size=len(data), content_type="video/mp4", title=title)
        etags = []
        for number in range(1, video.part_count + 1):
            chunk = data[(number - 1) * video.part_size : number * video.part_size]
            part = video_upload_part_receive(video_id=video.pk, part_number=number, stream=io.BytesIO(chunk))
            etags.append({"part_number": number, "etag": part.etag})
        with django_capture_on_commit_callbacks(execute=True):
            video_upload_complete(video_id=video.pk, parts=etags)
        video.refresh_from_db()
        return video

    return make


@pytest.fixture
def watch():
    """`watch(video, viewer, seconds=3)` → a qualified view through content's heartbeat service (a 3 s clip
    qualifies at once: the service credits up to the elapsed time plus its clock slack)."""
    from content.services.views import video_view_heartbeat

    def run(video, viewer, *, seconds: float = 3, session_id: str | None = None):
        # Short on purpose: content stores "u:<user id>:<session id>" in 64 characters (see the report).
        session_id = session_id or uuid.uuid4().hex[:16]
        return video_view_heartbeat(
            video=video, viewer=viewer, session_id=session_id, position=seconds, watched_seconds=seconds
        )

    return run


@pytest.fixture
def stripe_http(stripe_on):  # noqa: F811 - the imported fixture, requested by name
    """Stripe calls localstripe lacks (Connect accounts, transfers) answered at the HTTP boundary."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_passthru(stripe_on)
        yield mock


@pytest.fixture
def asgi_live_server(transactional_db, settings):
    """The real ASGI application (HTTP and websockets) under daphne in a child process, for pages whose
    websocket must work in the browser. Needs PostgreSQL (the child shares the test database) and Redis
    (events from the test process reach the child's sockets through the channel layer), as in CI."""
    if not (settings.USING_POSTGRES and settings.REDIS_URL):
        pytest.skip("needs PostgreSQL and Redis (the live ASGI server runs in another process)")
    from functools import partial

    from channels.testing.live import make_application
    from daphne.testing import DaphneProcess
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.db import connections

    # The child is forked: it must not inherit (and later close) this process's database sockets.
    connections.close_all()
    server = DaphneProcess("127.0.0.1", partial(make_application, static_wrapper=ASGIStaticFilesHandler))
    server.daemon = True
    server.start()
    if not server.ready.wait(timeout=20):
        server.terminate()
        pytest.fail("daphne did not start")
    try:
        yield f"http://127.0.0.1:{server.port.value}"
    finally:
        server.terminate()
        server.join(timeout=10)


@pytest.fixture
def asgi_page(asgi_live_server, monkeypatch):
    """A Chromium page against the daphne server (see `browser_page`)."""
    if not CHROMIUM.exists():
        pytest.skip("needs /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=asgi_live_server, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()
