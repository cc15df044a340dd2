#!/usr/bin/env bash
# Every figure in docs/benchmarks.md, one after the other (about 25 minutes on the 2-core machine).
# Needs PostgreSQL and Redis on 127.0.0.1 and the Debian packages wrk and ffmpeg. Results go to
# bench/results/. Each script can also be run alone; see its docstring.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/12}"
BENCH_DB="${BENCH_DB:-socialflow_bench}"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${BENCH_DB}"
mkdir -p bench/results
stamp=$(date -u +%Y%m%d-%H%M%S)

ensure_db() {
  psql -h 127.0.0.1 -U postgres -lqt | cut -d'|' -f1 | grep -qw "$1" || createdb -h 127.0.0.1 -U postgres "$1"
}
ensure_db "$BENCH_DB"
ensure_db sf_livestream_bench
ensure_db sf_notifications_bench
DEBUG=1 $PY manage.py migrate --noinput -v0
if [ "$(psql -h 127.0.0.1 -U postgres -Atc "select count(*) from users_user where username like 'bench%'" "$BENCH_DB")" = "0" ]; then
  echo "== 0. dataset (bench_seed)"
  DEBUG=1 $PY manage.py bench_seed | tee "bench/results/seed-$stamp.log"
fi

echo "== 1-3, 8. HTTP API under gunicorn and daphne, query counts, login"
$PY bench/http_bench.py | tee "bench/results/http-$stamp.log"
echo "== 1b. following feed beside the floor at 8 and 32 connections (the default run uses 16)"
for c in 8 32; do
  $PY bench/http_bench.py --skip-asgi --only "following feed" --connections "$c" | tee "bench/results/http-feed-c$c-$stamp.log"
done
echo "== 4. chat fan-out"
DATABASE_URL=postgres://postgres@127.0.0.1:5432/sf_livestream_bench $PY bench/chat_fanout.py --servers 2 --drain 30 \
  --out "bench/results/chat-$stamp.json" | tee "bench/results/chat-$stamp.log"
echo "== 5. notification fan-out to 100,000 followers"
DATABASE_URL=postgres://postgres@127.0.0.1:5432/sf_notifications_bench $PY bench/notification_fanout.py \
  | tee "bench/results/fanout-$stamp.log"
echo "== 6. upload memory (1 GiB through the local path)"
$PY bench/upload_memory.py | tee "bench/results/upload-$stamp.log"
echo "== 7. video processing overhead"
$PY bench/video_processing.py | tee "bench/results/video-$stamp.log"
echo "== ads serve with 10,000 campaigns"
$PY bench/ads_serve.py | tee "bench/results/ads-$stamp.log"
