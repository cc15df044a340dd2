"""Dashboard forms. They only parse and validate input shapes; the owning app's service applies the rules."""

from decimal import Decimal

from django import forms
from django.conf import settings

from ads.models import Campaign
from content.models import Video
from livestream.models import Stream
from payments.selectors import tier_list_for_creator


class TierChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class VideoEditForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea, max_length=5000)
    tags = forms.CharField(required=False, help_text="Comma-separated, up to 30.", max_length=2000)
    category = forms.CharField(required=False, max_length=40)
    language = forms.CharField(required=False, max_length=8, help_text="e.g. en")
    visibility = forms.ChoiceField(choices=Video.Visibility.choices)
    min_tier = TierChoiceField(
        queryset=None, required=False, label="Minimum tier", help_text="For subscriber-only videos."
    )
    age_restricted = forms.BooleanField(required=False, label="Age-restricted (18+)")
    comments_enabled = forms.BooleanField(required=False, label="Allow comments")
    comment_policy = forms.ChoiceField(choices=Video.CommentPolicy.choices, label="Who may comment")

    def __init__(self, *args, creator, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["min_tier"].queryset = tier_list_for_creator(creator=creator, viewer=creator)

    @classmethod
    def initial_for(cls, video: Video) -> dict:
        return {
            "title": video.title,
            "description": video.description,
            "tags": ", ".join(video.tags or []),
            "category": video.category,
            "language": video.language,
            "visibility": video.visibility,
            "min_tier": video.min_tier_id,
            "age_restricted": video.age_restricted,
            "comments_enabled": video.comments_enabled,
            "comment_policy": video.comment_policy,
        }

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        data["tags"] = [t.strip() for t in data["tags"].split(",") if t.strip()]
        return data


class MoneyField(forms.DecimalField):
    """An amount typed in major units ("12.50"), cleaned to integer minor units (1250)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", Decimal("0.01"))
        super().__init__(max_digits=10, decimal_places=2, **kwargs)

    def clean(self, value):
        amount = super().clean(value)
        return None if amount is None else int(amount * 100)


def _currency_choices():
    return [(c.lower(), c.upper()) for c in settings.SUPPORTED_CURRENCIES]


class TierForm(forms.Form):
    name = forms.CharField(max_length=80)
    price = MoneyField(label="Monthly price", help_text="For example 4.99")
    currency = forms.ChoiceField(choices=_currency_choices)
    description = forms.CharField(required=False, widget=forms.Textarea, max_length=2000)
    benefits = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text="One benefit per line.", max_length=2000
    )
    is_active = forms.BooleanField(required=False, initial=True, label="Open for new subscribers")

    @classmethod
    def initial_for(cls, tier) -> dict:
        return {
            "name": tier.name,
            "price": Decimal(tier.price_amount) / 100,
            "currency": tier.currency,
            "description": tier.description,
            "benefits": "\n".join(tier.benefits or []),
            "is_active": tier.is_active,
        }

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "price_amount": data["price"],
            "currency": data["currency"],
            "description": data["description"],
            "benefits": [line.strip() for line in data["benefits"].splitlines() if line.strip()],
            "is_active": data["is_active"],
        }


class PayoutForm(forms.Form):
    amount = MoneyField(label="Amount to pay out")


class StreamForm(forms.Form):
    title = forms.CharField(max_length=140)
    description = forms.CharField(required=False, widget=forms.Textarea, max_length=2000)
    category = forms.ChoiceField(choices=Stream.Category.choices, initial=Stream.Category.OTHER)
    visibility = forms.ChoiceField(choices=Stream.Visibility.choices, initial=Stream.Visibility.PUBLIC)
    scheduled_for = forms.DateTimeField(
        required=False,
        label="Scheduled for (UTC)",
        help_text="Leave empty to go live whenever you start streaming.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    record = forms.BooleanField(required=False, label="Record and publish a replay")
    slow_mode_seconds = forms.IntegerField(
        required=False, min_value=0, max_value=3600, initial=0, label="Chat slow mode (seconds)"
    )
    followers_only_chat = forms.BooleanField(required=False, label="Only followers may chat")


def _codes(text: str, *, upper: bool) -> list[str]:
    items = [c.strip() for c in (text or "").replace(";", ",").split(",") if c.strip()]
    return [c.upper() if upper else c.lower() for c in items]


class CampaignForm(forms.Form):
    name = forms.CharField(max_length=120)
    objective = forms.ChoiceField(choices=Campaign.Objective.choices)
    start_at = forms.DateTimeField(
        label="Starts (UTC)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M"],
    )
    end_at = forms.DateTimeField(
        label="Ends (UTC)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M"],
    )
    total_budget = MoneyField(label="Total budget")
    daily_budget = MoneyField(label="Daily budget")
    bid_type = forms.ChoiceField(choices=Campaign.BidType.choices, label="Bid type")
    bid_amount = MoneyField(label="Bid", help_text="Per 1000 impressions (CPM) or per click (CPC).")
    pacing = forms.ChoiceField(choices=Campaign.Pacing.choices)
    target_countries = forms.CharField(required=False, help_text="Comma-separated country codes, e.g. PT, ES.")
    target_languages = forms.CharField(required=False, help_text="Comma-separated language codes, e.g. en, pt.")

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["target_countries"] = _codes(data["target_countries"], upper=True)
        data["target_languages"] = _codes(data["target_languages"], upper=False)
        return data


class TextAdForm(forms.Form):
    headline = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    cta_label = forms.CharField(max_length=60, label="Button label")
    cta_url = forms.URLField(max_length=2048, label="Link", assume_scheme="https")
