"""Benchmark: fan-out of one event to 100,000 followers (not part of the test suite).

    createdb -h 127.0.0.1 -U postgres sf_notifications_bench   # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sf_notifications_bench \\
        .venv/bin/python bench/notification_fanout.py [--followers 100000] [--batch 1000]

It migrates the database, creates the followers with bulk inserts (reused on later runs), then times
`notification_fanout` + the fan-out task for a `stream_live` event, counts the queries, and times a
re-run of the same job from the start (idempotency: it must insert nothing). Delivery tasks are queued
to an in-process broker, not run: this measures the write fan-out, not SMTP or push providers.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialflow.settings")
os.environ.setdefault("DEBUG", "1")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"  # run the fan-out task here, explicitly, to time it
os.environ.setdefault("CELERY_BROKER_URL", "memory://")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from notifications.models import FanoutJob, Notification  # noqa: E402
from notifications.services import fanout_job_run, notification_fanout  # noqa: E402
from users.models import Follow, User  # noqa: E402

CREATOR = "bench_creator"


def ensure_followers(n: int) -> User:
    creator = User.objects.filter(username=CREATOR).first() or User.objects.create_user(
        "bench_creator@bench.local", CREATOR, None, status=User.Status.ACTIVE, role=User.Role.CREATOR
    )
    have = Follow.objects.filter(following=creator).count()
    if have >= n:
        return creator
    print(f"creating {n - have} followers with bulk inserts ...", flush=True)
    t0 = time.perf_counter()
    chunk = 5000
    for start in range(have, n, chunk):
        size = min(chunk, n - start)
        users = [
            User(username=f"bench_fan_{i}", email=f"bench_fan_{i}@bench.local", status=User.Status.ACTIVE, password="!")
            for i in range(start, start + size)
        ]
        with transaction.atomic():
            User.objects.bulk_create(users, batch_size=chunk)
            Follow.objects.bulk_create([Follow(follower=u, following=creator) for u in users], batch_size=chunk)
    User.objects.filter(pk=creator.pk).update(followers_count=n)
    print(f"  done in {time.perf_counter() - t0:.1f} s", flush=True)
    return creator


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--followers", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=settings.NOTIFICATION_FANOUT_BATCH)
    args = parser.parse_args()
    if not settings.USING_POSTGRES:
        print("warning: not PostgreSQL; set DATABASE_URL for a meaningful figure", file=sys.stderr)
    call_command("migrate", verbosity=0)
    creator = ensure_followers(args.followers)
    if settings.USING_POSTGRES:
        # Fresh bulk-loaded tables have no planner statistics until autovacuum gets to them; without
        # them the follower query sorts every remaining edge per batch (140 ms instead of 1.5 ms).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE users_follow, users_user, notifications_notification")
    FanoutJob.objects.filter(actor=creator).delete()
    Notification.objects.filter(actor=creator).delete()

    with CaptureQueriesContext(connection) as queries:
        t0, cpu0 = time.perf_counter(), time.process_time()
        job = notification_fanout(actor=creator, type="stream_live", target=creator, data={"title": "bench"})
        job = fanout_job_run(job_id=job.id, batch_size=args.batch)
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    created = Notification.objects.filter(fanout_key=job.fanout_key).count()

    FanoutJob.objects.filter(pk=job.pk).update(status=FanoutJob.Status.RUNNING, cursor=None)
    t1 = time.perf_counter()
    fanout_job_run(job_id=job.id, batch_size=args.batch)
    rerun = time.perf_counter() - t1
    after = Notification.objects.filter(fanout_key=job.fanout_key).count()

    print(f"database            {connection.vendor} {connection.pg_version if settings.USING_POSTGRES else ''}")
    print(f"followers           {args.followers}")
    print(f"batch size          {args.batch}")
    print(f"batches             {job.batches}")
    print(f"notifications       {created}")
    print(
        f"queries             {len(queries.captured_queries)} ({len(queries.captured_queries) / job.batches:.1f}/batch)"
    )
    print(f"fan-out time        {elapsed:.2f} s ({created / elapsed:,.0f} notifications/s)")
    print(f"app CPU time        {cpu:.2f} s (the rest is waiting for PostgreSQL)")
    print(f"re-run (idempotent) {rerun:.2f} s, notifications after: {after}")
    print(f"load average        {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    assert created == after == args.followers


if __name__ == "__main__":
    main()
