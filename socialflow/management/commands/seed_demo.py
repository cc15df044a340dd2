"""Load demo data, idempotently: `manage.py seed_demo`.

Each app that has demo data provides `<app>/demo.py` with `seed(ctx: dict, step) -> None`, called
bottom layer first; `ctx` carries what earlier apps made (users, creators, fans...) and `step(label)`
advances the progress bar. Running the command twice changes nothing the second time.
"""

import sys
from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

from socialflow.api_router import API_APPS


class Command(BaseCommand):
    help = "Load idempotent demo data (admin, creators, fans, posts, follows...)."

    def handle(self, *args, **options):
        modules = []
        for app in API_APPS:
            try:
                modules.append((app, import_module(f"{app}.demo")))
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
        total = sum(getattr(m, "STEPS", 1) for _, m in modules) or 1
        done = 0

        def step(label: str) -> None:
            nonlocal done
            done = min(done + 1, total)
            width = 30
            filled = int(width * done / total)
            sys.stdout.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {label[:40]:<40}")
            sys.stdout.flush()

        ctx: dict = {}
        for _app, module in modules:
            with transaction.atomic():
                module.seed(ctx, step)
        sys.stdout.write("\n")
        self.stdout.write(self.style.SUCCESS("Demo data ready. Admin: admin / socialflow-admin"))
