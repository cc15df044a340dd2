"""Running a callable in several threads at once (each thread has its own database connection)."""

import threading

from django.db import connection


def run_in_threads(n, fn):
    """Start `n` threads on a barrier so their calls overlap; fail if any raised."""
    barrier = threading.Barrier(n)
    errors = []

    def worker(i):
        try:
            barrier.wait()
            fn(i)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
