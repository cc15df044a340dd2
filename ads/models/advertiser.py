"""Who pays for ads: a verified user with billing details. Money itself lives in the payments ledger."""

from django.conf import settings
from django.db import models

from core.models import BaseModel


class Advertiser(BaseModel):
    class Status(models.TextChoices):
        ACTIVE = "active"
        # Set by staff (fraud, unpaid balance): every campaign of a suspended advertiser stops serving.
        SUSPENDED = "suspended"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="advertiser")
    company_name = models.CharField(max_length=120)
    billing_email = models.EmailField()
    billing_address = models.TextField(max_length=500)
    billing_country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    vat_id = models.CharField(max_length=32, blank=True)
    currency = models.CharField(max_length=3, default="usd", help_text="Budgets, bids and spend are in this currency.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True)

    def __str__(self):
        return f"{self.company_name} (@{self.user.username})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE
