"""Payments API: thin views over payments.services and payments.selectors.

Every object endpoint filters by the requesting user in the selector, so another user's
subscription, tip or payout is a 404, never a 403.
"""

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import NotFound, ValidationFailed
from core.idempotency import idempotent
from core.throttling import ScopedThrottle
from payments import gateway, selectors, services
from payments.api import serializers as s
from payments.models import JournalEntry, Payout, Subscription, Tip
from payments.services.payouts import payout_minimum_minor
from users.permissions import IsVerified
from users.selectors import user_get_visible

UUID_RE = r"[0-9a-fA-F-]{36}"


class MoneyMovementThrottle(ScopedThrottle):
    """Per user: card testing and runaway clients meet this before Stripe's own limits do."""

    scope = "payments_money"
    rate = "30/min"


class MoneyActionsMixin:
    """Actions that move money need a verified account and the money-movement throttle; the rest only
    a signed-in user."""

    money_actions = ("create",)

    def get_permissions(self):
        if self.action in self.money_actions:
            return [IsAuthenticated(), IsVerified()]
        return [IsAuthenticated()]

    def get_throttles(self):
        if self.action in self.money_actions:
            return [*super().get_throttles(), MoneyMovementThrottle()]
        return super().get_throttles()


class PaymentsConfigView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=s.PaymentsConfigSerializer, operation_id="payments_config")
    def get(self, request):
        data = {
            "configured": gateway.is_configured(),
            "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
            "currencies": settings.SUPPORTED_CURRENCIES,
            "platform_fee_percent": settings.PLATFORM_FEE_PERCENT,
            "payout_minimum": payout_minimum_minor(),
            "payout_hold_days": settings.PAYOUT_HOLD_DAYS,
            "tip_min": settings.TIP_MIN_AMOUNT,
            "tip_max": settings.TIP_MAX_AMOUNT,
            "premium_account": settings.PAYMENTS_PLATFORM_USERNAME,
        }
        return Response(s.PaymentsConfigSerializer(data).data)


class StripeWebhookView(APIView):
    """Stripe → us. Authenticated by the signature over the raw body, not by a session or token."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    @extend_schema(exclude=True)
    def post(self, request):
        try:
            event, created = services.webhook_event_receive(
                payload=request.body, signature_header=request.headers.get("Stripe-Signature")
            )
        except gateway.InvalidSignature as exc:
            raise ValidationFailed("Invalid webhook signature.", code="invalid_signature") from exc
        return Response({"received": True, "duplicate": not created}, status=status.HTTP_200_OK)


class TierViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.TierOutputSerializer
    lookup_value_regex = UUID_RE

    def get_permissions(self):
        if self.action == "retrieve":
            return [AllowAny()]
        return [IsAuthenticated(), IsVerified()]

    def get_object(self):
        tier = selectors.tier_get_for_viewer(viewer=self.request.user, tier_id=self.kwargs["pk"])
        if tier is None:
            raise NotFound("Tier not found.")
        return tier

    @extend_schema(request=s.TierInputSerializer, responses={201: s.TierOutputSerializer})
    def create(self, request):
        data = s.TierInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tier = services.tier_create(creator=request.user, **data.validated_data)
        return Response(s.TierOutputSerializer(tier).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.TierUpdateSerializer, responses=s.TierOutputSerializer)
    def partial_update(self, request, pk=None):
        data = s.TierUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        tier = services.tier_update(tier=self.get_object(), actor=request.user, **data.validated_data)
        return Response(s.TierOutputSerializer(tier).data)


class UserTiersView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=s.TierOutputSerializer(many=True), operation_id="users_tiers_list")
    def get(self, request, user_id):
        creator = user_get_visible(viewer=request.user, lookup=user_id)
        if creator is None:
            raise NotFound("User not found.")
        tiers = selectors.tier_list_for_creator(creator=creator, viewer=request.user)
        return Response(s.TierOutputSerializer(tiers, many=True).data)


class SubscriptionViewSet(MoneyActionsMixin, viewsets.GenericViewSet):
    serializer_class = s.SubscriptionOutputSerializer
    lookup_value_regex = UUID_RE

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Subscription.objects.none()
        return selectors.subscription_list_for_fan(fan=self.request.user)

    def get_object(self):
        subscription = selectors.subscription_get_for_fan(fan=self.request.user, subscription_id=self.kwargs["pk"])
        if subscription is None:
            raise NotFound("Subscription not found.")
        return subscription

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=s.SubscriptionCreateSerializer, responses={201: s.SubscriptionOutputSerializer})
    @idempotent
    def create(self, request):
        data = s.SubscriptionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tier = selectors.tier_get_for_viewer(viewer=request.user, tier_id=data.validated_data["tier"])
        if tier is None:
            raise NotFound("Tier not found.")
        subscription = services.subscription_create(
            fan=request.user, tier=tier, payment_method=data.validated_data["payment_method"]
        )
        return Response(self.get_serializer(subscription).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.SubscriptionOutputSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        subscription = services.subscription_cancel(subscription=self.get_object(), fan=request.user)
        return Response(self.get_serializer(subscription).data)

    @extend_schema(request=None, responses=s.SubscriptionOutputSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        subscription = services.subscription_resume(subscription=self.get_object(), fan=request.user)
        return Response(self.get_serializer(subscription).data)

    @extend_schema(request=s.ChangeTierSerializer, responses=s.SubscriptionOutputSerializer)
    @action(detail=True, methods=["post"], url_path="change-tier")
    def change_tier(self, request, pk=None):
        data = s.ChangeTierSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = self.get_object()
        tier = selectors.tier_get_for_viewer(viewer=request.user, tier_id=data.validated_data["tier"])
        if tier is None:
            raise NotFound("Tier not found.")
        subscription = services.subscription_change_tier(subscription=subscription, fan=request.user, tier=tier)
        return Response(self.get_serializer(subscription).data)


class SubscriberViewSet(viewsets.GenericViewSet):
    serializer_class = s.SubscriberOutputSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Subscription.objects.none()
        return selectors.subscriber_list_for_creator(creator=self.request.user)

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class TipViewSet(MoneyActionsMixin, viewsets.GenericViewSet):
    serializer_class = s.TipOutputSerializer
    lookup_value_regex = UUID_RE

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Tip.objects.none()
        return selectors.tip_list_for_user(user=self.request.user)

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        tip = selectors.tip_get_for_user(user=request.user, tip_id=pk)
        if tip is None:
            raise NotFound("Tip not found.")
        return Response(self.get_serializer(tip).data)

    @extend_schema(request=s.TipCreateSerializer, responses={201: s.TipCreatedSerializer})
    @idempotent
    def create(self, request):
        data = s.TipCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        creator = user_get_visible(viewer=request.user, lookup=values.pop("creator"))
        if creator is None:
            raise NotFound("Creator not found.")
        tip, intent = services.tip_create(fan=request.user, creator=creator, **values)
        body = {
            "tip": tip,
            "payment_intent": {
                "id": intent["id"],
                "status": intent.get("status"),
                "client_secret": intent.get("client_secret"),
            },
        }
        return Response(s.TipCreatedSerializer(body).data, status=status.HTTP_201_CREATED)


class PayoutViewSet(MoneyActionsMixin, viewsets.GenericViewSet):
    serializer_class = s.PayoutOutputSerializer
    lookup_value_regex = UUID_RE

    money_actions = ("create", "onboarding")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Payout.objects.none()
        return selectors.payout_list_for_creator(creator=self.request.user)

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        payout = selectors.payout_get_for_creator(creator=request.user, payout_id=pk)
        if payout is None:
            raise NotFound("Payout not found.")
        return Response(self.get_serializer(payout).data)

    @extend_schema(request=s.PayoutCreateSerializer, responses={201: s.PayoutOutputSerializer})
    @idempotent
    def create(self, request):
        data = s.PayoutCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payout = services.payout_request(creator=request.user, **data.validated_data)
        payout.refresh_from_db()  # the transfer may already have run (after commit)
        return Response(self.get_serializer(payout).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.OnboardingOutputSerializer)
    @action(detail=False, methods=["post"])
    def onboarding(self, request):
        back = f"{settings.SITE_URL.rstrip('/')}/dashboard/payouts"
        account, url = services.connect_onboarding_start(
            user=request.user, refresh_url=f"{back}?onboarding=refresh", return_url=f"{back}?onboarding=done"
        )
        return Response(s.OnboardingOutputSerializer({"url": url, "account": account}).data)

    @extend_schema(responses=s.ConnectAccountOutputSerializer)
    @action(detail=False, methods=["get"])
    def account(self, request):
        account = selectors.connect_account_for(user=request.user)
        if account is None:
            raise NotFound("No payout account yet: start onboarding.")
        return Response(s.ConnectAccountOutputSerializer(account).data)

    @extend_schema(
        parameters=[OpenApiParameter("currency", str, required=False)],
        responses=s.BalanceOutputSerializer,
    )
    @action(detail=False, methods=["get"])
    def balance(self, request):
        currency = request.query_params.get("currency", "usd").lower()
        if currency not in settings.SUPPORTED_CURRENCIES:
            raise ValidationFailed(errors={"currency": ["Unsupported currency."]})
        data = selectors.creator_balance(creator=request.user, currency=currency)
        data["payout_minimum"] = payout_minimum_minor()
        return Response(s.BalanceOutputSerializer(data).data)


class EarningsViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = s.EarningsOutputSerializer
    pagination_class = None
    queryset = JournalEntry.objects.none()  # for the schema generator; rows come from the selector

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, required=True, description="YYYY-MM-DD"),
            OpenApiParameter("to", str, required=True, description="YYYY-MM-DD, inclusive"),
            OpenApiParameter("group_by", str, enum=["day", "source", "content"]),
            OpenApiParameter("currency", str),
        ],
        responses={200: s.EarningsOutputSerializer, 400: OpenApiResponse(description="Bad query")},
    )
    def list(self, request):
        query = s.EarningsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        rows = selectors.earnings_for_creator(
            creator=request.user,
            date_from=q["date_from"],
            date_to=q["date_to"],
            group_by=q["group_by"],
            currency=q["currency"],
        )
        body = {
            "group_by": q["group_by"],
            "currency": q["currency"],
            "total": sum(r["amount"] for r in rows),
            "rows": rows,
        }
        return Response(s.EarningsOutputSerializer(body).data)
