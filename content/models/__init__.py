from content.models.common import CommentPolicy, PostVisibility, VideoVisibility
from content.models.media import MediaImage
from content.models.posts import Post, PostEdit, PostQuerySet
from content.models.tags import Hashtag, Mention, PostHashtag, VideoHashtag
from content.models.videos import (
    Video,
    VideoDailyStat,
    VideoQuerySet,
    VideoUploadPart,
    VideoWatchSession,
)

__all__ = [
    "CommentPolicy",
    "Hashtag",
    "MediaImage",
    "Mention",
    "Post",
    "PostEdit",
    "PostHashtag",
    "PostQuerySet",
    "PostVisibility",
    "Video",
    "VideoDailyStat",
    "VideoHashtag",
    "VideoQuerySet",
    "VideoUploadPart",
    "VideoVisibility",
    "VideoWatchSession",
]
