"""Dashboard forms. They only parse and validate input shapes; the owning app's service applies the rules."""

from decimal import Decimal

from django import forms
from django.conf import settings

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
