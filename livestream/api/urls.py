from rest_framework.routers import SimpleRouter

from livestream.api.views import StreamViewSet

router = SimpleRouter(trailing_slash=False)
router.register("streams", StreamViewSet, basename="stream")

urlpatterns = [*router.urls]
