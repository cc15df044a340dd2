"""Writes. Other apps import from here: `from content.services import post_counter_add`."""

from content.services.counters import post_counter_add, video_counter_add
from content.services.videos import video_create_from_recording

__all__ = ["post_counter_add", "video_counter_add", "video_create_from_recording"]
