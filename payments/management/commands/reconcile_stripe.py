"""`manage.py reconcile_stripe --date YYYY-MM-DD`: compare the ledger with Stripe's balance transactions."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from payments.reconciliation import reconcile_day


class Command(BaseCommand):
    help = "Compare a day's ledger entries with Stripe balance transactions and report differences."

    def add_arguments(self, parser):
        parser.add_argument("--date", required=True, help="The UTC day, YYYY-MM-DD.")

    def handle(self, *args, **options):
        try:
            day = dt.date.fromisoformat(options["date"])
        except ValueError as exc:
            raise CommandError("--date must be YYYY-MM-DD") from exc
        report = reconcile_day(day=day)
        self.stdout.write(f"{day}: {report.matched} matched, {len(report.differences)} differences")
        for diff in report.differences:
            self.stdout.write(
                f"  {diff.kind:<18} {diff.stripe_id:<32} stripe={diff.stripe_amount} ledger={diff.ledger_amount} "
                f"{diff.currency}"
            )
        if not report.ok:
            raise CommandError(f"{len(report.differences)} differences between the ledger and Stripe")
