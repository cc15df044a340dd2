"""The benchmark floor: a hand-written 20-row JSON endpoint served by the same server and middleware.

Every API endpoint's throughput in docs/benchmarks.md is reported as a ratio to this one, measured in
the same run, so the figures survive a noisy machine. Mounted only when BENCH_ENDPOINTS is on.
"""

from django.http import JsonResponse

from content.models import Post


def floor(request):
    rows = list(Post.objects.order_by("-id").values("id", "author_id", "text", "created_at", "likes_count")[:20])
    return JsonResponse({"results": rows})
