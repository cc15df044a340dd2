"""Rows for any model, for the changelist query-count test: the apps' factories where they exist,
otherwise a generic builder that fills required fields from their types.

Related rows are shared between the rows built (one author for fifty posts): a changelist that loads
the author per row still costs one query per row, which is what the test measures.
"""

import datetime
import decimal
import itertools
import uuid

from django.db import IntegrityError, models, transaction
from django.utils import timezone

_seq = itertools.count(1)


def _factories():
    from content.tests.factories import PostFactory, VideoFactory
    from users.tests.factories import UserFactory

    return {"users.user": UserFactory, "content.post": PostFactory, "content.video": VideoFactory}


# Field values some models need to pass their constraints or to appear in their changelist.
def _overrides():
    from ads.models import Creative
    from social.models import ModerationCase

    return {
        "ads.creativereviewqueue": {"status": Creative.Status.SUBMITTED, "submitted_at": timezone.now},
        "social.moderationcase": {"status": ModerationCase.Status.OPEN},
        "social.like": {"post": "content.post"},
        "social.save": {"post": "content.post"},
        "social.comment": {"post": "content.post"},
        "content.mention": {"post": "content.post"},
    }


def _value(field: models.Field, n: int):
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.EmailField):
        return f"row{n}@rows.example"
    if isinstance(field, models.URLField):
        return f"https://rows.example/{n}"
    if isinstance(field, models.GenericIPAddressField):
        return "127.0.0.1"
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    if isinstance(field, (models.CharField, models.TextField)):
        text = f"{field.name}-{n}"
        return text[-field.max_length :] if field.max_length else text
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.DecimalField):
        return decimal.Decimal("1")
    if isinstance(field, models.FloatField):
        return 1.0
    if isinstance(field, (models.IntegerField, models.BigIntegerField, models.SmallIntegerField)):
        return n
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return datetime.date.today() - datetime.timedelta(days=n)
    if isinstance(field, models.TimeField):
        return datetime.time(22, 0)
    if isinstance(field, models.DurationField):
        return datetime.timedelta(seconds=n)
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.BinaryField):
        return b"\0"
    if isinstance(field, models.FileField):
        return f"rows/{n}.bin"
    raise NotImplementedError(f"no generic value for {field.model._meta.label}.{field.name}")


class RowBuilder:
    def __init__(self):
        self.shared: dict[str, models.Model] = {}
        self.factories = _factories()
        self.overrides = _overrides()

    def one(self, model, *, fresh_relations: bool = False, fill_optional: bool = False) -> models.Model:
        label = model._meta.label_lower
        if label in self.factories:
            return self.factories[label]()
        concrete = model._meta.concrete_model
        n = next(_seq)
        values = {}
        for field in concrete._meta.concrete_fields:
            if field.primary_key or getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                continue
            override = self.overrides.get(label, {}).get(field.name)
            if override is not None:
                if isinstance(override, str) and field.is_relation:
                    values[field.name] = self.related(field, override_label=override, fresh=fresh_relations)
                else:
                    values[field.name] = override() if callable(override) else override
                continue
            optional = fill_optional and field.null and field.name != "deleted_at"
            if field.is_relation:
                if not field.null or (optional and field.related_model is not concrete):
                    values[field.name] = self.related(field, fresh=fresh_relations or field.unique)
                continue
            if optional and not field.has_default():
                values[field.name] = _value(field, n)
                continue
            if field.null or field.has_default():
                continue
            if field.blank and field.empty_strings_allowed and not field.unique:
                continue
            values[field.name] = _value(field, n)
        obj = model(**values)
        with transaction.atomic():
            obj.save(force_insert=True)
        return obj

    def related(self, field, *, override_label: str | None = None, fresh: bool = False):
        target = field.related_model
        if override_label:
            from django.apps import apps

            target = apps.get_model(override_label)
        label = target._meta.label_lower
        if fresh or label not in self.shared:
            obj = self.one(target)
            if fresh:
                return obj
            self.shared[label] = obj
        return self.shared[label]

    def rows(self, model, count: int) -> None:
        # Optional fields and relations filled first (so list columns showing them are exercised), then
        # only what is required, then with this row's own related rows (unique constraints over them).
        attempts = ({"fill_optional": True}, {}, {"fresh_relations": True})
        for _ in range(count):
            for i, kwargs in enumerate(attempts):
                try:
                    self.one(model, **kwargs)
                    break
                except IntegrityError:
                    if i == len(attempts) - 1:
                        raise
