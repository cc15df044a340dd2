"""Feeds: following, latest and trending timelines built on read (see docs/social.md)."""

from social.feeds.timelines import FeedItem, FeedPage, feed_following, feed_latest, feed_trending

__all__ = ["FeedItem", "FeedPage", "feed_following", "feed_latest", "feed_trending"]
