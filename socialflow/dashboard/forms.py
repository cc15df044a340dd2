"""Dashboard forms. They only parse and validate input shapes; the owning app's service applies the rules."""

from django import forms

from content.models import Video
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
