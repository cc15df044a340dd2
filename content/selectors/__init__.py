"""Reads. The visibility rule is re-exported here: `from content.selectors import post_visible_q`."""

from content.selectors.visibility import post_get_visible, post_visible_q, video_get_visible, video_visible_q

__all__ = ["post_get_visible", "post_visible_q", "video_get_visible", "video_visible_q"]
