"""Input and output serializers of the ads API (kept apart: inputs validate, outputs present)."""

from decimal import Decimal

from django.conf import settings
from rest_framework import serializers

from ads.models import AdImpression, Advertiser, Campaign, Creative
from ads.models.campaign import MILLI
from ads.reporting import GROUPS


def _minor(milli: int) -> str:
    return str((Decimal(milli) / MILLI).quantize(Decimal("0.001")))


class AdvertiserInputSerializer(serializers.Serializer):
    company_name = serializers.CharField(max_length=120)
    billing_email = serializers.EmailField()
    billing_address = serializers.CharField(max_length=500)
    billing_country = serializers.RegexField(r"^[A-Za-z]{2}$", help_text="ISO 3166-1 alpha-2")
    vat_id = serializers.CharField(max_length=32, required=False, allow_blank=True)
    currency = serializers.ChoiceField(choices=settings.SUPPORTED_CURRENCIES, required=False)


class AdvertiserOutputSerializer(serializers.ModelSerializer):
    balance = serializers.SerializerMethodField(help_text="Prepaid balance in minor units of `currency`.")

    class Meta:
        model = Advertiser
        fields = ["id", "company_name", "billing_email", "billing_address", "billing_country", "vat_id",
                  "currency", "status", "balance", "created_at"]  # fmt: skip

    def get_balance(self, obj) -> int:
        return self.context.get("balance", 0)


class CampaignInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    objective = serializers.ChoiceField(choices=Campaign.Objective.choices, required=False)
    start_at = serializers.DateTimeField()
    end_at = serializers.DateTimeField()
    total_budget = serializers.IntegerField(min_value=1, help_text="Minor units.")
    daily_budget = serializers.IntegerField(min_value=1, help_text="Minor units per UTC day.")
    bid_type = serializers.ChoiceField(choices=Campaign.BidType.choices)
    bid_amount = serializers.IntegerField(
        min_value=1, help_text="Minor units per 1000 impressions (CPM) or per click (CPC)."
    )
    pacing = serializers.ChoiceField(choices=Campaign.Pacing.choices, required=False)
    frequency_cap = serializers.IntegerField(min_value=1, max_value=1000, required=False, allow_null=True)
    target_countries = serializers.ListField(child=serializers.CharField(max_length=2), required=False, max_length=250)
    target_languages = serializers.ListField(child=serializers.CharField(max_length=3), required=False, max_length=100)
    target_age_min = serializers.IntegerField(min_value=13, max_value=120, required=False, allow_null=True)
    target_age_max = serializers.IntegerField(min_value=13, max_value=120, required=False, allow_null=True)
    target_interests = serializers.ListField(child=serializers.CharField(max_length=101), required=False, max_length=50)
    placements = serializers.ListField(
        child=serializers.ChoiceField(choices=Campaign.Placement.choices), required=False
    )
    target_devices = serializers.ListField(
        child=serializers.ChoiceField(choices=Campaign.Device.choices), required=False
    )


class CampaignOutputSerializer(serializers.ModelSerializer):
    spent_total = serializers.SerializerMethodField(help_text="Minor units, three decimals (exact).")
    spent_today = serializers.SerializerMethodField(help_text="Minor units, three decimals (exact).")

    class Meta:
        model = Campaign
        fields = ["id", "name", "objective", "status", "pause_reason", "start_at", "end_at", "currency",
                  "total_budget", "daily_budget", "bid_type", "bid_amount", "pacing", "frequency_cap",
                  "target_countries", "target_languages", "target_age_min", "target_age_max", "target_interests",
                  "placements", "target_devices", "spent_total", "spent_today", "created_at", "updated_at"]  # fmt: skip

    def get_spent_total(self, obj) -> str:
        return _minor(obj.spent_total_milli)

    def get_spent_today(self, obj) -> str:
        from django.utils import timezone

        return _minor(obj.spent_today_for(timezone.now().date()))


class CreativeInputSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=Creative.Format.choices)
    headline = serializers.CharField(max_length=200, required=False, allow_blank=True)
    body = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    media = serializers.FileField(required=False, allow_null=True)
    cta_label = serializers.CharField(max_length=200, required=False, allow_blank=True)
    # Not a URLField: the policy checks judge the URL and record why it fails.
    cta_url = serializers.CharField(max_length=2048, required=False, allow_blank=True)
    promoted_post = serializers.UUIDField(required=False, allow_null=True)


class CheckResultSerializer(serializers.Serializer):
    check = serializers.CharField()
    passed = serializers.BooleanField()
    detail = serializers.CharField()


class CreativeOutputSerializer(serializers.ModelSerializer):
    check_results = CheckResultSerializer(many=True)
    media_url = serializers.SerializerMethodField()
    promoted_post = serializers.SerializerMethodField()

    class Meta:
        model = Creative
        fields = ["id", "campaign_id", "format", "headline", "body", "media_url", "media_content_type", "media_size",
                  "promoted_post", "cta_label", "cta_url", "status", "check_results", "rejection_reason",
                  "submitted_at", "reviewed_at", "impressions_count", "clicks_count", "created_at"]  # fmt: skip

    def get_media_url(self, obj) -> str:
        return obj.media.url if obj.media else ""

    def get_promoted_post(self, obj) -> str | None:
        pk = getattr(obj, "promoted_post_id", None)
        return str(pk) if pk else None


class ServeQuerySerializer(serializers.Serializer):
    placement = serializers.ChoiceField(choices=Campaign.Placement.choices)
    count = serializers.IntegerField(min_value=1, max_value=5, default=1)
    context = serializers.CharField(max_length=80, required=False, default="", help_text="video:<id> or stream:<id>")


class ServedAdSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    campaign_id = serializers.UUIDField()
    advertiser = serializers.CharField()
    format = serializers.CharField()
    headline = serializers.CharField()
    body = serializers.CharField()
    media_url = serializers.CharField()
    promoted_post_id = serializers.UUIDField(allow_null=True)
    cta_label = serializers.CharField()
    cta_url = serializers.CharField()
    click_url = serializers.CharField()
    impression_token = serializers.CharField()
    reason = serializers.CharField(help_text='Why this ad was shown, e.g. "people in Portugal".')
    promoted = serializers.BooleanField()


class ServeOutputSerializer(serializers.Serializer):
    results = ServedAdSerializer(many=True)


class ImpressionInputSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=2000)
    viewable = serializers.BooleanField(default=True)


class ImpressionOutputSerializer(serializers.ModelSerializer):
    recorded = serializers.SerializerMethodField(help_text="False when this token's impression was already recorded.")

    class Meta:
        model = AdImpression
        fields = ["id", "valid", "invalid_reason", "viewable", "created_at", "recorded"]

    def get_recorded(self, obj) -> bool:
        return self.context.get("created", True)


class ReportQuerySerializer(serializers.Serializer):
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    group_by = serializers.ChoiceField(choices=GROUPS, default="day")

    def to_internal_value(self, data):
        data = {"date_from": data.get("from"), "date_to": data.get("to"), "group_by": data.get("group_by", "day")}
        return super().to_internal_value({k: v for k, v in data.items() if v not in (None, "")})


class ReportRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    impressions = serializers.IntegerField()
    valid_clicks = serializers.IntegerField()
    invalid_clicks = serializers.IntegerField()
    ctr = serializers.DecimalField(max_digits=12, decimal_places=4)
    spend_minor = serializers.DecimalField(max_digits=20, decimal_places=3)
    ecpm_minor = serializers.DecimalField(max_digits=20, decimal_places=3)


class ReportOutputSerializer(serializers.Serializer):
    campaign_id = serializers.UUIDField()
    currency = serializers.CharField()
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    group_by = serializers.CharField()
    rows = ReportRowSerializer(many=True)
    totals = ReportRowSerializer()


class RejectInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)
