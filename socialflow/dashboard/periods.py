"""Reporting periods of the dashboard: the last 7, 28 or 90 days, day by day in UTC."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone

PERIOD_CHOICES = (7, 28, 90)
DEFAULT_PERIOD = 28


@dataclass(frozen=True)
class Period:
    days: int
    first_day: date
    last_day: date

    @property
    def start(self) -> datetime:
        """The first instant of the period (midnight UTC of its first day)."""
        return datetime.combine(self.first_day, time.min, tzinfo=UTC)

    @property
    def dates(self) -> list[date]:
        return [self.first_day + timedelta(days=i) for i in range(self.days)]

    def fill(self, by_day: dict) -> list[tuple[date, int]]:
        """Every day of the period with its value from `by_day` (missing days are 0), in order."""
        return [(d, by_day.get(d, 0)) for d in self.dates]


def period_from_request(request, *, now: datetime | None = None) -> Period:
    try:
        days = int(request.GET.get("days", DEFAULT_PERIOD))
    except ValueError:
        days = DEFAULT_PERIOD
    if days not in PERIOD_CHOICES:
        days = DEFAULT_PERIOD
    return period_of(days, now=now)


def period_of(days: int, *, now: datetime | None = None) -> Period:
    today = (now or timezone.now()).astimezone(UTC).date()
    return Period(days=days, first_day=today - timedelta(days=days - 1), last_day=today)


def day_label(d: date) -> str:
    return d.strftime("%b %-d")
