"""`manage.py outbox_relay [--once] [--interval S]`: publish tasks kept while the broker was down.

Beat runs the same relay every 10 s through a task, which needs a working broker *and* a worker; this
command needs only the database and the broker, so it is the way to drain the outbox by hand after an
outage (`--once`) or to run the relay as its own long-lived process beside beat.
"""

import signal
import time

from django.core.management.base import BaseCommand

from core.services.outbox import outbox_relay


class Command(BaseCommand):
    help = "Publish Celery tasks kept in the outbox while the broker was unreachable."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one pass, then exit (non-zero if rows remain)")
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between passes when looping")

    def handle(self, *args, once=False, interval=5.0, **options):
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        while True:
            result = outbox_relay()
            if once:
                self.stdout.write(f"sent {result.sent}, left {result.left}")
                if result.left:
                    raise SystemExit(1)
                return
            if result.sent or result.broker_down:
                self.stdout.write(f"sent {result.sent}, left {result.left}", ending="\n")
                self.stdout.flush()
            # A full pass means more rows may be waiting: go again at once instead of sleeping.
            deadline = time.monotonic() + (0 if result.sent and not result.broker_down else interval)
            while time.monotonic() < deadline and not stopping:
                time.sleep(0.2)
            if stopping:
                return
