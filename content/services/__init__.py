"""Writes. Other apps import from here: `from content.services import post_counter_add`."""

from content.services.counters import post_counter_add, video_counter_add

__all__ = ["post_counter_add", "video_counter_add"]
