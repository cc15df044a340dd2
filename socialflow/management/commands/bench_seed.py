"""`manage.py bench_seed`: the benchmark dataset (bench/seed.py), deterministic and bulk-loaded."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench.seed import generate
from users.models import User

BENCH_TABLES = ["social_like", "social_comment", "social_save", "content_post", "content_video", "users_follow"]


class Command(BaseCommand):
    help = "Load the benchmark dataset (use a dedicated database)."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=10_000)
        parser.add_argument("--posts", type=int, default=1_000_000)
        parser.add_argument("--follows-per-user", type=int, default=200)
        parser.add_argument("--likes", type=int, default=3_000_000)
        parser.add_argument("--videos", type=int, default=20_000)
        parser.add_argument("--comments", type=int, default=300_000)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--reset", action="store_true", help="Empty the domain tables first.")

    def handle(self, *args, **opts):
        if User.objects.filter(username__startswith="bench").exists():
            if not opts["reset"]:
                raise CommandError("Benchmark data already present; pass --reset to reload it.")
            self._reset()
        started = time.monotonic()
        summary = generate(
            users=opts["users"],
            posts=opts["posts"],
            follows_per_user=opts["follows_per_user"],
            likes=opts["likes"],
            videos=opts["videos"],
            comments=opts["comments"],
            seed=opts["seed"],
            out=sys.stdout,  # Django's OutputWrapper would end every progress redraw with a newline
        )
        summary["total_seconds"] = round(time.monotonic() - started, 1)
        self.stdout.write(self.style.SUCCESS(" ".join(f"{k}={v}" for k, v in summary.items())))

    def _reset(self):
        if connection.vendor != "postgresql":
            raise CommandError("--reset is only supported on PostgreSQL; delete the SQLite file instead.")
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE users_user CASCADE")
