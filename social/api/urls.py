from rest_framework.routers import SimpleRouter

from social.api import views

router = SimpleRouter(trailing_slash=False)
router.register("users", views.UserGraphViewSet, basename="social-user")
router.register("follow-requests", views.FollowRequestViewSet, basename="social-follow-request")
router.register("posts", views.PostEngagementViewSet, basename="social-post")
router.register("videos", views.VideoEngagementViewSet, basename="social-video")
router.register("comments", views.CommentViewSet, basename="social-comment")
router.register("saves", views.SaveViewSet, basename="social-save")
router.register("collections", views.CollectionViewSet, basename="social-collection")
router.register("reports", views.ReportViewSet, basename="social-report")
router.register("feed", views.FeedViewSet, basename="social-feed")

urlpatterns = [*router.urls]
