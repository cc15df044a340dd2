"""Trending, hashtags and search."""

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from content.api.serializers import (
    ContentSearchInputSerializer,
    HashtagDetailOutputSerializer,
    HashtagOutputSerializer,
    PostOutputSerializer,
    VideoOutputSerializer,
)
from content.api.views.common import RankedPagination, viewer_of
from content.models import Hashtag, Post
from content.selectors.discovery import (
    hashtag_get,
    hashtag_posts,
    hashtag_videos,
    search,
    trending_hashtags,
    trending_posts,
    trending_videos,
)
from content.selectors.posts import post_page_context
from users.api.serializers.accounts import UserCardSerializer

PREVIEW = 20


def _posts_data(view, request, posts):
    context = {**view.get_serializer_context(), **post_page_context(viewer=viewer_of(request), posts=posts)}
    return PostOutputSerializer(posts, many=True, context=context).data


class TrendingViewSet(viewsets.GenericViewSet):
    queryset = Post.objects.none()  # for the schema; reads go through selectors
    permission_classes = [AllowAny]
    pagination_class = RankedPagination
    serializer_class = PostOutputSerializer

    @extend_schema(responses=PostOutputSerializer(many=True))
    @action(detail=False, methods=["get"])
    def posts(self, request):
        page = self.paginate_queryset(trending_posts(viewer=viewer_of(request)))
        return self.get_paginated_response(_posts_data(self, request, page))

    @extend_schema(responses=VideoOutputSerializer(many=True))
    @action(detail=False, methods=["get"])
    def videos(self, request):
        page = self.paginate_queryset(trending_videos(viewer=viewer_of(request)))
        data = VideoOutputSerializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    @extend_schema(responses=HashtagOutputSerializer(many=True))
    @action(detail=False, methods=["get"])
    def hashtags(self, request):
        page = self.paginate_queryset(trending_hashtags())
        return self.get_paginated_response(HashtagOutputSerializer(page, many=True).data)


class HashtagViewSet(viewsets.GenericViewSet):
    queryset = Hashtag.objects.none()  # for the schema; reads go through selectors
    permission_classes = [AllowAny]
    serializer_class = HashtagOutputSerializer
    lookup_field = "name"
    lookup_value_regex = "[^/]{1,100}"

    @extend_schema(responses=HashtagDetailOutputSerializer)
    def retrieve(self, request, name=None):
        """The hashtag with its most recent visible posts and videos (paginate with /posts and /videos)."""
        tag = hashtag_get(name=name)
        viewer = viewer_of(request)
        posts = list(hashtag_posts(viewer=viewer, hashtag=tag).order_by("-id")[:PREVIEW])
        videos = list(hashtag_videos(viewer=viewer, hashtag=tag).order_by("-id")[:PREVIEW])
        return Response(
            {
                "hashtag": HashtagOutputSerializer(tag).data,
                "posts": _posts_data(self, request, posts),
                "videos": VideoOutputSerializer(videos, many=True, context=self.get_serializer_context()).data,
            }
        )

    @extend_schema(responses=PostOutputSerializer(many=True))
    @action(detail=True, methods=["get"])
    def posts(self, request, name=None):
        page = self.paginate_queryset(hashtag_posts(viewer=viewer_of(request), hashtag=hashtag_get(name=name)))
        return self.get_paginated_response(_posts_data(self, request, page))

    @extend_schema(responses=VideoOutputSerializer(many=True))
    @action(detail=True, methods=["get"])
    def videos(self, request, name=None):
        page = self.paginate_queryset(hashtag_videos(viewer=viewer_of(request), hashtag=hashtag_get(name=name)))
        data = VideoOutputSerializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)


class SearchViewSet(viewsets.GenericViewSet):
    queryset = Post.objects.none()  # for the schema; reads go through selectors
    permission_classes = [AllowAny]
    pagination_class = RankedPagination
    serializer_class = PostOutputSerializer

    @extend_schema(
        parameters=[ContentSearchInputSerializer],
        responses=PostOutputSerializer(many=True),
        description="Results are posts, videos, users (cards) or hashtags, by `type`.",
    )
    def list(self, request):
        params = ContentSearchInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        kind = params.validated_data["type"]
        page = self.paginate_queryset(search(viewer=viewer_of(request), **params.validated_data))
        if kind == "posts":
            data = _posts_data(self, request, page)
        elif kind == "videos":
            data = VideoOutputSerializer(page, many=True, context=self.get_serializer_context()).data
        elif kind == "users":
            data = UserCardSerializer(page, many=True, context=self.get_serializer_context()).data
        else:
            data = HashtagOutputSerializer(page, many=True).data
        return self.get_paginated_response(data)
