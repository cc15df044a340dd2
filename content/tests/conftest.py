import shutil
import subprocess

import pytest


@pytest.fixture(scope="session")
def video_clip(tmp_path_factory):
    """A real 3 s 640x360 H.264/AAC clip made by ffmpeg's lavfi sources (no fixture files checked in)."""
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not installed")
    path = tmp_path_factory.mktemp("clips") / "clip.mp4"
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
def small_parts(settings):
    settings.VIDEO_UPLOAD_PART_BYTES = 16 * 1024
    settings.AWS_STORAGE_BUCKET_NAME = ""
