"""/feed/following, /feed/latest, /feed/trending."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated

from social import feeds
from social.api.feed_rendering import feed_item_dict
from social.api.serializers import FeedItemSerializer, FeedPageSerializer
from social.feeds.cache import cached_feed_page
from social.feeds.promoted import insert_promoted
from social.pagination import CURSOR_PARAM, page_limit, paginated_response, request_cursor

_PAGE_PARAMS = [
    OpenApiParameter("cursor", str, required=False, description="From the previous page's `next`."),
    OpenApiParameter("limit", int, required=False, description="1–100, default 20."),
]


class FeedViewSet(viewsets.GenericViewSet):
    permission_classes = [AllowAny]
    serializer_class = FeedItemSerializer
    pagination_class = None

    def _respond(self, request, name: str, build, *, cache: bool = False):
        cursor, limit = request_cursor(request, 2), page_limit(request)

        def rendered():
            page = build(viewer=request.user, cursor=cursor, limit=limit)
            return [feed_item_dict(i) for i in page.items], page.next_values

        if cache:
            token = request.query_params.get(CURSOR_PARAM, "")
            items, next_values = cached_feed_page(
                viewer=request.user, feed=name, cursor_token=token, limit=limit, build=rendered
            )
        else:
            items, next_values = rendered()
        # Promoted items are chosen per request (pacing, frequency caps), never cached with the page.
        return paginated_response(request, insert_promoted(viewer=request.user, feed=name, items=items), next_values)

    @extend_schema(parameters=_PAGE_PARAMS, responses={200: FeedPageSerializer})
    @action(detail=False, methods=["get"], permission_classes=[IsAuthenticated])
    def following(self, request):
        """Posts, reposts and videos of the accounts I follow, and mine; newest first."""
        return self._respond(request, "following", feeds.feed_following, cache=True)

    @extend_schema(parameters=_PAGE_PARAMS, responses={200: FeedPageSerializer})
    @action(detail=False, methods=["get"])
    def latest(self, request):
        """Everyone's public posts and videos, newest first."""
        return self._respond(request, "latest", feeds.feed_latest)

    @extend_schema(parameters=_PAGE_PARAMS, responses={200: FeedPageSerializer})
    @action(detail=False, methods=["get"])
    def trending(self, request):
        """Public posts and videos by trending score."""
        return self._respond(request, "trending", feeds.feed_trending)
