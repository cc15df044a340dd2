from django.urls import path
from rest_framework.routers import SimpleRouter

from content.api.views.discovery import HashtagViewSet, SearchViewSet, TrendingViewSet
from content.api.views.files import hls_file, upload_part
from content.api.views.posts import MediaImageViewSet, PostViewSet
from content.api.views.videos import VideoViewSet

router = SimpleRouter(trailing_slash=False)
router.register("posts", PostViewSet, basename="post")
router.register("media", MediaImageViewSet, basename="media")
router.register("videos", VideoViewSet, basename="video")
router.register("trending", TrendingViewSet, basename="trending")
router.register("hashtags", HashtagViewSet, basename="hashtag")
router.register("search", SearchViewSet, basename="search")

urlpatterns = [
    path("videos/<uuid:video_id>/upload/parts/<int:part_number>", upload_part, name="content-video-upload-part"),
    path("videos/<uuid:video_id>/hls/<path:path>", hls_file, name="content-video-hls"),
    *router.urls,
]
