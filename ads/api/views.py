"""The ads API: advertiser account, campaigns, creatives, serving, events and reports. Thin: validate,
call one service or selector, serialize."""

from django.http import HttpResponseRedirect
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from ads import reporting, selectors, services
from ads.api.renderers import ReportCSVRenderer
from ads.api.serializers import (
    AdvertiserInputSerializer,
    AdvertiserOutputSerializer,
    CampaignInputSerializer,
    CampaignOutputSerializer,
    CreativeInputSerializer,
    CreativeOutputSerializer,
    ImpressionInputSerializer,
    ImpressionOutputSerializer,
    ReportOutputSerializer,
    ReportQuerySerializer,
    ServedAdSerializer,
    ServeQuerySerializer,
)
from ads.api.throttles import AdsEventThrottle, AdsServeThrottle
from ads.models import AdImpression, Campaign
from core.idempotency import idempotent
from users.permissions import IsVerified


class AdvertiserViewSet(GenericViewSet):
    """The caller's own advertiser account (one per user)."""

    permission_classes = [IsAuthenticated]
    serializer_class = AdvertiserOutputSerializer

    def get_permissions(self):
        if self.action == "create":
            return [IsAuthenticated(), IsVerified()]
        return super().get_permissions()

    @extend_schema(responses=AdvertiserOutputSerializer)
    def retrieve(self, request):
        advertiser = selectors.advertiser_get_for_user(user=request.user)
        balance = selectors.advertiser_balance_minor(advertiser=advertiser)
        return Response(AdvertiserOutputSerializer(advertiser, context={"balance": balance}).data)

    @extend_schema(request=AdvertiserInputSerializer, responses={201: AdvertiserOutputSerializer})
    @idempotent
    def create(self, request):
        data = AdvertiserInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        advertiser = services.advertiser_create(user=request.user, **data.validated_data)
        return Response(AdvertiserOutputSerializer(advertiser).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AdvertiserInputSerializer(partial=True), responses=AdvertiserOutputSerializer)
    def partial_update(self, request):
        advertiser = selectors.advertiser_get_for_user(user=request.user)
        data = AdvertiserInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = {k: v for k, v in data.validated_data.items() if k != "currency"}
        advertiser = services.advertiser_update(advertiser=advertiser, **fields)
        return Response(AdvertiserOutputSerializer(advertiser).data)


class CampaignViewSet(GenericViewSet):
    """An advertiser's campaigns. Another advertiser's campaign is a 404."""

    permission_classes = [IsAuthenticated]
    serializer_class = CampaignOutputSerializer
    lookup_value_regex = "[0-9a-f-]{36}"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Campaign.objects.none()
        return selectors.campaign_list_for_advertiser(viewer=self.request.user)

    def _campaign(self, pk):
        return selectors.campaign_get_for_advertiser(viewer=self.request.user, id=pk)

    @extend_schema(responses=CampaignOutputSerializer(many=True))
    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(CampaignOutputSerializer(page, many=True).data)

    @extend_schema(request=CampaignInputSerializer, responses={201: CampaignOutputSerializer})
    @idempotent
    def create(self, request):
        advertiser = selectors.advertiser_get_for_user(user=request.user)
        data = CampaignInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        campaign = services.campaign_create(advertiser=advertiser, **data.validated_data)
        return Response(CampaignOutputSerializer(campaign).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=CampaignOutputSerializer)
    def retrieve(self, request, pk=None):
        return Response(CampaignOutputSerializer(self._campaign(pk)).data)

    @extend_schema(request=CampaignInputSerializer(partial=True), responses=CampaignOutputSerializer)
    def partial_update(self, request, pk=None):
        campaign = self._campaign(pk)
        data = CampaignInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        campaign = services.campaign_update(campaign=campaign, **data.validated_data)
        return Response(CampaignOutputSerializer(campaign).data)

    @extend_schema(request=None, responses=CampaignOutputSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        campaign = services.campaign_activate(campaign=self._campaign(pk), by=request.user)
        return Response(CampaignOutputSerializer(campaign).data)

    @extend_schema(request=None, responses=CampaignOutputSerializer)
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        campaign = services.campaign_pause(campaign=self._campaign(pk), by=request.user)
        return Response(CampaignOutputSerializer(campaign).data)

    @extend_schema(request=None, responses=CampaignOutputSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        campaign = services.campaign_resume(campaign=self._campaign(pk), by=request.user)
        return Response(CampaignOutputSerializer(campaign).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE),
            OpenApiParameter("to", OpenApiTypes.DATE),
            OpenApiParameter("group_by", OpenApiTypes.STR, enum=[*reporting.GROUPS]),
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"]),
        ],  # fmt: skip
        responses={200: ReportOutputSerializer},
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, ReportCSVRenderer])
    def report(self, request, pk=None):
        campaign = self._campaign(pk)
        query = ReportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        report = reporting.campaign_report(campaign=campaign, **query.validated_data)
        response = Response(ReportOutputSerializer(report).data)
        if request.accepted_renderer.format == "csv":
            response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}-report.csv"'
        return response

    @extend_schema(methods=["GET"], responses=CreativeOutputSerializer(many=True))
    @extend_schema(methods=["POST"], request=CreativeInputSerializer, responses={201: CreativeOutputSerializer})
    @action(detail=True, methods=["get", "post"], url_path="ads")
    def ads(self, request, pk=None):
        if request.method == "GET":
            page = self.paginate_queryset(selectors.creative_list_for_campaign(viewer=request.user, campaign_id=pk))
            return self.get_paginated_response(CreativeOutputSerializer(page, many=True).data)
        return self._create_ad(request, pk)

    @idempotent
    def _create_ad(self, request, pk):
        campaign = self._campaign(pk)
        data = CreativeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        creative = services.creative_create(campaign=campaign, **_creative_fields(request.user, data.validated_data))
        return Response(CreativeOutputSerializer(creative).data, status=status.HTTP_201_CREATED)


def _creative_fields(user, validated: dict) -> dict:
    fields = dict(validated)
    if "promoted_post" in fields:
        fields["promoted_post"] = selectors.promotable_post(viewer=user, id=fields["promoted_post"])
    return fields


class CreativeViewSet(GenericViewSet):
    """One creative of the caller's campaigns; editing sends it back to review."""

    permission_classes = [IsAuthenticated]
    serializer_class = CreativeOutputSerializer
    lookup_value_regex = "[0-9a-f-]{36}"

    @extend_schema(responses=CreativeOutputSerializer)
    def retrieve(self, request, pk=None):
        return Response(
            CreativeOutputSerializer(selectors.creative_get_for_advertiser(viewer=request.user, id=pk)).data
        )

    @extend_schema(request=CreativeInputSerializer(partial=True), responses=CreativeOutputSerializer)
    def partial_update(self, request, pk=None):
        creative = selectors.creative_get_for_advertiser(viewer=request.user, id=pk)
        data = CreativeInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        creative = services.creative_update(creative=creative, **_creative_fields(request.user, data.validated_data))
        return Response(CreativeOutputSerializer(creative).data)

    @extend_schema(request=None, responses=CreativeOutputSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        creative = selectors.creative_get_for_advertiser(viewer=request.user, id=pk)
        return Response(CreativeOutputSerializer(services.creative_submit(creative=creative)).data)


class ServingViewSet(GenericViewSet):
    """Ad serving and the events it is paid by. Open to signed-out viewers too."""

    permission_classes = [AllowAny]
    serializer_class = ServedAdSerializer
    pagination_class = None  # serve answers a plain list of at most a few ads (the schema said "paginated")
    queryset = AdImpression.objects.none()  # for the schema generator; serving reads its own index

    def get_throttles(self):
        return [AdsServeThrottle()] if self.action == "serve" else [AdsEventThrottle()]

    @extend_schema(parameters=[ServeQuerySerializer], responses=ServedAdSerializer(many=True))
    def serve(self, request):
        query = ServeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        ads = selectors.ads_for_viewer(
            viewer=request.user if request.user.is_authenticated else None,
            user_agent=request.headers.get("User-Agent", ""),
            remote_addr=request.META.get("REMOTE_ADDR", ""),
            **query.validated_data,
        )
        return Response([selectors.served_ad_payload(ad) for ad in ads])

    @extend_schema(
        request=ImpressionInputSerializer, responses={201: ImpressionOutputSerializer, 200: ImpressionOutputSerializer}
    )
    def impression(self, request):
        data = ImpressionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        impression, created = services.impression_record(
            raw_token=data.validated_data["token"],
            viewable=data.validated_data["viewable"],
            requester=request.user,
            user_agent=request.headers.get("User-Agent", ""),
        )
        return Response(
            ImpressionOutputSerializer(impression, context={"created": created}).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(responses={302: OpenApiResponse(description="Redirect to the ad's call-to-action URL.")})
    def click(self, request, token=None):
        _click, url = services.click_record(
            raw_token=token, requester=request.user, user_agent=request.headers.get("User-Agent", "")
        )
        return HttpResponseRedirect(url)
