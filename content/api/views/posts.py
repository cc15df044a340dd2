"""Posts, reposts, edit history and image uploads."""

from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from content.api.serializers import (
    ContentListByAuthorInputSerializer,
    MediaImageInputSerializer,
    MediaImageOutputSerializer,
    PostCreateInputSerializer,
    PostEditOutputSerializer,
    PostHistoryOutputSerializer,
    PostOutputSerializer,
    PostUpdateInputSerializer,
)
from content.api.views.common import PostCreateThrottle, UploadThrottle, viewer_of
from content.models import MediaImage, Post
from content.selectors.details import post_detail
from content.selectors.posts import post_get, post_history, post_list, post_page_context, post_quotes_list
from content.services.media_images import media_image_upload
from content.services.posts import post_create, post_delete, post_update, repost_create, repost_delete
from core.idempotency import idempotent
from users.permissions import IsVerified


class PostViewSet(viewsets.GenericViewSet):
    queryset = Post.objects.none()  # for the schema; reads go through selectors
    serializer_class = PostOutputSerializer
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    def get_permissions(self):
        if self.action in ("list", "retrieve", "history", "quotes"):
            return [AllowAny()]
        if self.action in ("create", "repost"):
            return [IsAuthenticated(), IsVerified()]
        return [IsAuthenticated()]

    def get_throttles(self):
        if self.action == "create":
            return [*super().get_throttles(), PostCreateThrottle()]
        return super().get_throttles()

    def _page(self, request, queryset):
        page = self.paginate_queryset(queryset)
        context = {**self.get_serializer_context(), **post_page_context(viewer=viewer_of(request), posts=page)}
        return self.get_paginated_response(PostOutputSerializer(page, many=True, context=context).data)

    def _one(self, request, post, **kwargs):
        context = {**self.get_serializer_context(), **post_page_context(viewer=viewer_of(request), posts=[post])}
        return Response(PostOutputSerializer(post, context=context).data, **kwargs)

    @extend_schema(parameters=[ContentListByAuthorInputSerializer], responses=PostOutputSerializer(many=True))
    def list(self, request):
        params = ContentListByAuthorInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        return self._page(request, post_list(viewer=viewer_of(request), author=params.validated_data.get("author")))

    @extend_schema(request=PostCreateInputSerializer, responses={201: PostOutputSerializer})
    @idempotent
    def create(self, request):
        data = PostCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        post = post_create(
            author=request.user,
            media_ids=values.pop("media"),
            quote_of_id=values.pop("quote_of"),
            **values,
        )
        return self._one(request, post_get(viewer=request.user, id=post.pk), status=status.HTTP_201_CREATED)

    @extend_schema(responses=PostOutputSerializer)
    def retrieve(self, request, pk=None):
        def render(post, quote):
            shown = {"visible_quote_ids": {quote.pk} if quote is not None else set(), "reposted_ids": set()}
            context = {**self.get_serializer_context(), **shown, "shared_snapshot": True}
            return PostOutputSerializer(post, context=context).data

        variant = request.build_absolute_uri("/")
        return Response(post_detail(viewer=viewer_of(request), id=pk, render=render, variant=variant))

    @extend_schema(request=PostUpdateInputSerializer, responses=PostOutputSerializer)
    def partial_update(self, request, pk=None):
        data = PostUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        post_update(post_id=pk, actor=request.user, **data.validated_data)
        return self._one(request, post_get(viewer=request.user, id=pk))

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        post_delete(post_id=pk, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=PostHistoryOutputSerializer)
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        post, edits = post_history(viewer=viewer_of(request), post_id=pk)
        context = self.get_serializer_context()
        return Response(
            {
                "current": PostOutputSerializer(post, context=context).data,
                "edits": PostEditOutputSerializer(edits, many=True).data,
            }
        )

    @extend_schema(responses=PostOutputSerializer(many=True))
    @action(detail=True, methods=["get"])
    def quotes(self, request, pk=None):
        return self._page(request, post_quotes_list(viewer=viewer_of(request), post_id=pk))

    @extend_schema(methods=["POST"], request=None, responses={201: PostOutputSerializer, 200: PostOutputSerializer})
    @extend_schema(methods=["DELETE"], request=None, responses={204: None})
    @action(detail=True, methods=["post", "delete"])
    def repost(self, request, pk=None):
        if request.method == "DELETE":
            repost_delete(user=request.user, post_id=pk)
            return Response(status=status.HTTP_204_NO_CONTENT)
        repost, created = repost_create(user=request.user, post_id=pk)
        return self._one(
            request, post_get(viewer=request.user, id=repost.pk), status=201 if created else status.HTTP_200_OK
        )


class MediaImageViewSet(viewsets.GenericViewSet):
    queryset = MediaImage.objects.none()  # for the schema; reads go through selectors
    serializer_class = MediaImageOutputSerializer
    parser_classes = [MultiPartParser, FormParser]
    permission_classes = [IsAuthenticated, IsVerified]

    def get_throttles(self):
        return [*super().get_throttles(), UploadThrottle()]

    @extend_schema(
        request={"multipart/form-data": MediaImageInputSerializer}, responses={201: MediaImageOutputSerializer}
    )
    @action(detail=False, methods=["post"], url_path="images")
    def images(self, request):
        data = MediaImageInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        image = media_image_upload(owner=request.user, **data.validated_data)
        return Response(MediaImageOutputSerializer(image, context={"request": request}).data, status=201)


__all__ = ["MediaImageViewSet", "PostViewSet"]
