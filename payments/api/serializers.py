"""Payments API serializers: input and output kept apart. Money is integer minor units + currency."""

from django.conf import settings
from rest_framework import serializers

from payments.models import ConnectAccount, Payout, Subscription, Tier, Tip
from payments.services.tips import TARGET_TYPES


class PaymentsUserSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    username = serializers.CharField()
    display_name = serializers.CharField()


class PaymentsConfigSerializer(serializers.Serializer):
    configured = serializers.BooleanField()
    publishable_key = serializers.CharField(allow_blank=True)
    currencies = serializers.ListField(child=serializers.CharField())
    platform_fee_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    payout_minimum = serializers.IntegerField(help_text="Minor units.")
    payout_hold_days = serializers.IntegerField()
    tip_min = serializers.IntegerField()
    tip_max = serializers.IntegerField()
    premium_account = serializers.CharField(help_text="Username whose tiers are the premium plan.")


class TierInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80)
    price_amount = serializers.IntegerField(min_value=50, max_value=100_000_00, help_text="Monthly, minor units.")
    currency = serializers.ChoiceField(choices=[(c, c) for c in settings.SUPPORTED_CURRENCIES], default="usd")
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    benefits = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, default=list, max_length=20
    )
    is_active = serializers.BooleanField(required=False, default=True)


class TierUpdateSerializer(TierInputSerializer):
    name = serializers.CharField(max_length=80, required=False)
    price_amount = serializers.IntegerField(min_value=50, max_value=100_000_00, required=False)
    currency = serializers.ChoiceField(choices=[(c, c) for c in settings.SUPPORTED_CURRENCIES], required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    benefits = serializers.ListField(child=serializers.CharField(max_length=200), required=False, max_length=20)
    is_active = serializers.BooleanField(required=False)


class TierOutputSerializer(serializers.ModelSerializer):
    creator = PaymentsUserSerializer()

    class Meta:
        model = Tier
        fields = [
            "id",
            "creator",
            "name",
            "description",
            "benefits",
            "price_amount",
            "currency",
            "is_active",
            "created_at",
        ]
        read_only_fields = fields


class SubscriptionCreateSerializer(serializers.Serializer):
    tier = serializers.UUIDField()
    payment_method = serializers.RegexField(r"^pm_[A-Za-z0-9_]+$", max_length=255)


class ChangeTierSerializer(serializers.Serializer):
    tier = serializers.UUIDField()


class SubscriptionTierSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    price_amount = serializers.IntegerField()
    currency = serializers.CharField()


class SubscriptionOutputSerializer(serializers.ModelSerializer):
    creator = PaymentsUserSerializer()
    status = serializers.CharField(help_text="incomplete | active | past_due | canceled")
    tier = SubscriptionTierSerializer()
    since = serializers.DateTimeField(source="created_at")
    has_access = serializers.SerializerMethodField()

    class Meta:
        model = Subscription
        fields = [
            "id", "creator", "tier", "status", "price_amount", "paid_through", "current_period_end",
            "cancel_at_period_end", "canceled_at", "since", "has_access",
        ]  # fmt: skip
        read_only_fields = fields

    def get_has_access(self, obj) -> bool:
        from django.utils import timezone

        return obj.status != Subscription.Status.INCOMPLETE and bool(
            obj.paid_through and obj.paid_through > timezone.now()
        )


class SubscriberOutputSerializer(serializers.ModelSerializer):
    fan = PaymentsUserSerializer()
    status = serializers.CharField(help_text="incomplete | active | past_due | canceled")
    tier = SubscriptionTierSerializer()
    since = serializers.DateTimeField(source="created_at")

    class Meta:
        model = Subscription
        fields = ["id", "fan", "tier", "status", "paid_through", "cancel_at_period_end", "since"]
        read_only_fields = fields


class TipCreateSerializer(serializers.Serializer):
    creator = serializers.UUIDField()
    amount = serializers.IntegerField(min_value=1, help_text="Minor units.")
    currency = serializers.ChoiceField(choices=[(c, c) for c in settings.SUPPORTED_CURRENCIES], default="usd")
    payment_method = serializers.RegexField(r"^pm_[A-Za-z0-9_]+$", max_length=255)
    message = serializers.CharField(max_length=280, required=False, allow_blank=True, default="")
    target_type = serializers.ChoiceField(choices=[(t, t) for t in TARGET_TYPES], required=False, default="")
    target_id = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class TipOutputSerializer(serializers.ModelSerializer):
    fan = PaymentsUserSerializer()
    status = serializers.CharField(help_text="pending | succeeded | failed")
    creator = PaymentsUserSerializer()

    class Meta:
        model = Tip
        fields = [
            "id", "fan", "creator", "amount", "currency", "message", "target_type", "target_id", "status",
            "failure_reason", "created_at", "succeeded_at",
        ]  # fmt: skip
        read_only_fields = fields


class PaymentIntentBriefSerializer(serializers.Serializer):
    id = serializers.CharField()
    status = serializers.CharField()
    client_secret = serializers.CharField(allow_null=True, required=False)


class TipCreatedSerializer(serializers.Serializer):
    tip = TipOutputSerializer()
    payment_intent = PaymentIntentBriefSerializer()


class ConnectAccountOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConnectAccount
        fields = [
            "stripe_account_id",
            "charges_enabled",
            "payouts_enabled",
            "details_submitted",
            "requirements_due",
            "synced_at",
        ]
        read_only_fields = fields


class OnboardingOutputSerializer(serializers.Serializer):
    url = serializers.URLField()
    account = ConnectAccountOutputSerializer()


class BalanceOutputSerializer(serializers.Serializer):
    currency = serializers.CharField()
    pending = serializers.IntegerField()
    available = serializers.IntegerField()
    receivable = serializers.IntegerField(
        help_text="Reversals beyond the available balance, settled from later earnings."
    )
    next_release_at = serializers.DateTimeField(allow_null=True)
    hold_days = serializers.IntegerField()
    payout_minimum = serializers.IntegerField()


class PayoutCreateSerializer(serializers.Serializer):
    amount = serializers.IntegerField(min_value=1, help_text="Minor units.")
    currency = serializers.ChoiceField(choices=[(c, c) for c in settings.SUPPORTED_CURRENCIES], default="usd")


class PayoutOutputSerializer(serializers.ModelSerializer):
    status = serializers.CharField(help_text="pending | paid | failed")

    class Meta:
        model = Payout
        fields = ["id", "amount", "currency", "status", "failure_reason", "created_at", "paid_at", "failed_at"]
        read_only_fields = fields


class EarningsQuerySerializer(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    group_by = serializers.ChoiceField(choices=["day", "source", "content"], default="day")
    currency = serializers.ChoiceField(choices=[(c, c) for c in settings.SUPPORTED_CURRENCIES], default="usd")

    def to_internal_value(self, data):
        # `from` is a Python keyword, so the query names map onto date_from/date_to here.
        data = dict(data.items())
        data.setdefault("date_from", data.pop("from", None))
        data.setdefault("date_to", data.pop("to", None))
        return super().to_internal_value({k: v for k, v in data.items() if v is not None})

    def validate(self, attrs):
        if attrs["date_to"] < attrs["date_from"]:
            raise serializers.ValidationError({"to": ["Must not be before `from`."]})
        if (attrs["date_to"] - attrs["date_from"]).days > 366:
            raise serializers.ValidationError({"to": ["At most one year per request."]})
        return attrs


class EarningsRowSerializer(serializers.Serializer):
    date = serializers.DateField(required=False)
    source = serializers.CharField(required=False)
    source_ref = serializers.CharField(required=False)
    amount = serializers.IntegerField()
    currency = serializers.CharField()


class EarningsOutputSerializer(serializers.Serializer):
    group_by = serializers.CharField()
    currency = serializers.CharField()
    total = serializers.IntegerField()
    rows = EarningsRowSerializer(many=True)
