"""Live chat fan-out under load: N websocket clients in one stream through real daphne + Redis + PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sf_livestream_bench \
    REDIS_URL=redis://127.0.0.1:6379/7 .venv/bin/python bench/chat_fanout.py --clients 500 --rate 10 --duration 60 \
        --servers 2 --drain 30

Phases, with the same connected clients:
1. app:   `--senders` signed-in clients send chat messages over their sockets (together `--rate` msg/s),
          each going through the consumer, chat_message_send (validation, rate limit, DB write) and
          broadcast-after-commit, out to every client.
2. floor: the bench injects the same rate straight into the stream's group with the chat channel
          layer's `group_send` (no consumer-side work before the fan-out): the ceiling the layer +
          daphne give. `DJANGO_SETTINGS_MODULE` may point at a settings module overriding
          CHANNEL_LAYERS["livestream"] to compare layers (e.g. the queue-based RedisChannelLayer).
Every receiving client records each message's sequence number and latency (send → receive, one clock:
all on loopback). Reported: deliveries/s, latency p50/p95/p99 (and p95 per 10 s of send time), lost and
duplicated deliveries, daphne RSS per connection, the CPU each phase took (the machine's, the bench's own
processes', and other processes': on a shared box a tail can come from a neighbour), and what happens to
a 100 KiB frame (our 64 KiB cap) and a 20 MiB frame (daphne's).
Bounded: every wait has a timeout; the daphne child is always terminated. Not part of the test suite.
"""

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def servers_rss(servers) -> int:
    return sum(rss_kib(server.pid) for server in servers)


def settled_rss(servers, timeout: float = 30.0) -> int:
    """RSS once every server has finished importing (unchanged for 2 s): 'idle' must not be mid-startup."""
    last, stable_since, deadline = -1, time.monotonic(), time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = servers_rss(servers)
        if now != last:
            last, stable_since = now, time.monotonic()
        elif time.monotonic() - stable_since >= 2:
            break
        time.sleep(0.25)
    return last


def socket_counts(servers) -> list[int]:
    """Open sockets per server process: how the kernel spread the connections over them."""
    counts = []
    for server in servers:
        fd_dir = Path(f"/proc/{server.pid}/fd")
        counts.append(sum(1 for fd in fd_dir.iterdir() if os.readlink(fd).startswith("socket:")))
    return counts


def cpu_seconds(pids) -> tuple[float, float]:
    """(CPU seconds the whole machine was busy, CPU seconds of `pids`) since boot, for deltas."""
    tick = os.sysconf("SC_CLK_TCK")
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    busy = sum(fields) - fields[3] - fields[4]  # all but idle and iowait
    ours = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        parts = stat[stat.rindex(")") + 2 :].split()
        ours += int(parts[11]) + int(parts[12])
    return busy / tick, ours / tick


def cpu_share(before, after, seconds: float) -> dict:
    """Percent of one core: the machine's busy time, ours (bench, daphne, clients) and everyone else's."""
    machine, ours = after[0] - before[0], after[1] - before[1]
    return {
        "machine": round(100 * machine / seconds),
        "bench": round(100 * ours / seconds),
        "others": round(100 * (machine - ours) / seconds),
    }


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def percentile(values, q):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


# --- receiving clients (run in worker processes so the bench's own parsing is not the bottleneck) ------


async def _client(url, stats, ready, stop_evt, errors):
    import aiohttp

    seen = {"A": {}, "F": {}}
    lat = {"A": [], "F": []}
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(url, origin="http://127.0.0.1", heartbeat=None, timeout=30) as ws,
        ):
            await ws.send_str(json.dumps({"type": "join"}))
            # Ready once the server says "joined" (not when the join was sent): the app phase must not
            # start while the room is still processing its 500 joins.
            while True:
                msg = await asyncio.wait_for(ws.receive(), timeout=60)
                if msg.type != aiohttp.WSMsgType.TEXT:
                    raise RuntimeError(f"closed before joining: {msg.type} {msg.data}")
                data = json.loads(msg.data)
                if data.get("type") == "system" and data.get("event") == "joined":
                    break
            ready.append(1)
            while not stop_evt.is_set():
                try:
                    msg = await asyncio.wait_for(ws.receive(), timeout=0.5)
                except TimeoutError:
                    continue
                if msg.type != aiohttp.WSMsgType.TEXT:
                    errors.append(f"closed: {msg.type} {msg.data}")
                    break
                now = time.time()
                data = json.loads(msg.data)
                if data.get("type") != "chat":
                    continue
                phase, seq, sent = data["message"]["body"].split(" ")
                seen[phase][int(seq)] = seen[phase].get(int(seq), 0) + 1
                lat[phase].append((float(sent), now - float(sent)))
    except Exception as exc:
        errors.append(repr(exc))
    stats.append((seen, lat))


def worker(url, n, ready_q, go_stop, result_q):
    async def main():
        stats, ready, errors = [], [], []
        stop_evt = asyncio.Event()
        tasks = []
        for i in range(n):
            tasks.append(asyncio.create_task(_client(url, stats, ready, stop_evt, errors)))
            if i % 25 == 24:
                await asyncio.sleep(0.2)  # connect in waves, as real audiences arrive
        deadline = time.monotonic() + 120
        while len(ready) + len(errors) < n and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        ready_q.put(len(ready))
        while not go_stop.is_set():
            await asyncio.sleep(0.2)
        stop_evt.set()
        await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), timeout=30)
        # Aggregate here: counts per sequence number per phase, and all latencies.
        out = {"errors": errors[:20], "error_count": len(errors), "clients": len(stats)}
        for phase in ("A", "F"):
            out[phase] = {
                "per_client_seen": [seen[phase] for seen, _ in stats],
                "latencies": [x for _, lat in stats for x in lat[phase]],
            }
        result_q.put(out)

    asyncio.run(main())


# --- the run ---------------------------------------------------------------------------------------


def setup_django(env):
    os.environ.update(env)
    import django

    django.setup()


def prepare_data(senders: int):
    from django.core.management import call_command
    from django.utils import timezone

    from livestream import services
    from livestream.models import Stream
    from users.models import User
    from users.services.sessions import session_start

    call_command("migrate", verbosity=0, interactive=False)
    host = User.objects.filter(username="bench_host").first() or User.objects.create_user(
        "bench_host@example.com", "bench_host", "x" * 12, status="active", email_verified_at=timezone.now()
    )
    Stream.objects.filter(host=host, status="live").update(status="ended", ended_at=timezone.now())
    stream, _ = services.stream_create(host=host, title=f"bench {int(time.time())}")
    stream = services.stream_start(stream=stream, actor=host)
    tokens = []
    for i in range(senders):
        name = f"bench_sender{i}"
        user = User.objects.filter(username=name).first() or User.objects.create_user(
            f"{name}@example.com", name, "x" * 12, status="active", email_verified_at=timezone.now()
        )
        tokens.append(session_start(user=user)[1]["access"])
    return stream.pk, tokens


async def run_senders(url, tokens, rate, duration, t0_holder):
    """len(tokens) signed-in clients; together `rate` messages/s for `duration` seconds."""
    import aiohttp

    per_sender_interval = len(tokens) / rate
    seq_counter = iter(range(10**9))
    refused = []

    async def drain(ws, joined):
        # A sender reads its own socket continuously (it is in the room too) so nothing backs up.
        async for msg in ws:
            if msg.type == aiohttp.WSMsgType.TEXT:
                data = json.loads(msg.data)
                if data.get("type") == "error":
                    refused.append(data)
                elif data.get("type") == "system" and data.get("event") == "joined":
                    joined.set()

    async def sender(i, token, session):
        try:
            await _sender(i, token, session)
        except Exception as exc:
            refused.append({"sender": i, "error": repr(exc)})

    async def _sender(i, token, session):
        async with session.ws_connect(url, origin="http://127.0.0.1", timeout=30) as ws:
            joined = asyncio.Event()
            reader = asyncio.create_task(drain(ws, joined))
            await ws.send_str(json.dumps({"type": "auth", "token": token}))
            # The clock starts once this socket is signed in: chat latency, not sign-in latency.
            await asyncio.wait_for(joined.wait(), timeout=60)
            await asyncio.sleep(1 + i * per_sender_interval / len(tokens))
            start = time.monotonic()
            n = 0
            while time.monotonic() - start < duration:
                seq = next(seq_counter)
                await ws.send_str(json.dumps({"type": "chat", "body": f"A {seq} {time.time():.6f}"}))
                n += 1
                await asyncio.sleep(max(0, start + n * per_sender_interval - time.monotonic()))
            reader.cancel()

    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*(sender(i, t, session) for i, t in enumerate(tokens)))
    return next(seq_counter), refused


async def run_floor(stream_id, rate, duration):
    from channels.layers import get_channel_layer

    from livestream.realtime import CHAT_LAYER, chat_event, stream_group

    layer = get_channel_layer(CHAT_LAYER)
    group = stream_group(stream_id)
    start = time.monotonic()
    seq = 0
    while time.monotonic() - start < duration:
        body = f"F {seq} {time.time():.6f}"
        await layer.group_send(group, chat_event({"type": "chat", "message": {"body": body, "user": None}}))
        seq += 1
        await asyncio.sleep(max(0, start + seq / rate - time.monotonic()))
    return seq


async def oversize_checks(base_url):
    import aiohttp

    results = {}
    for label, size in (("100KiB", 100 * 1024), ("20MiB", 20 * 1024 * 1024)):
        try:
            async with (
                aiohttp.ClientSession() as session,
                session.ws_connect(base_url, origin="http://127.0.0.1", timeout=30, max_msg_size=0) as ws,
            ):
                await ws.send_str(json.dumps({"type": "join"}))
                await ws.send_str("x" * size)
                t = time.monotonic()
                while True:
                    msg = await asyncio.wait_for(ws.receive(), timeout=15)
                    if msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING):
                        results[label] = {
                            "closed": True,
                            "code": ws.close_code,
                            "seconds": round(time.monotonic() - t, 3),
                        }
                        break
        except Exception as exc:
            results[label] = {"closed": True, "error": repr(exc)}
    return results


def summarise(phase, sent, outs):
    per_client = [seen for out in outs for seen in out[phase]["per_client_seen"]]
    timed = [x for out in outs for x in out[phase]["latencies"]]
    latencies = [latency for _, latency in timed]
    # p95 per 10 s of send time: a tail from one stall (or from another process taking the CPU) shows
    # up in one window, a design limit in all of them.
    windows = {}
    start = min((sent_at for sent_at, _ in timed), default=0)
    for sent_at, latency in timed:
        windows.setdefault(int((sent_at - start) // 10), []).append(latency)
    expected = sent * len(per_client)
    delivered = sum(sum(seen.values()) for seen in per_client)
    unique = sum(len(seen) for seen in per_client)
    dupes = delivered - unique
    lost = expected - unique
    return {
        "messages_sent": sent,
        "clients": len(per_client),
        "deliveries_expected": expected,
        "deliveries": delivered,
        "lost": lost,
        "duplicates": dupes,
        "latency_ms": {
            "p50": round(percentile(latencies, 50) * 1000, 1) if latencies else None,
            "p95": round(percentile(latencies, 95) * 1000, 1) if latencies else None,
            "p99": round(percentile(latencies, 99) * 1000, 1) if latencies else None,
            "max": round(max(latencies) * 1000, 1) if latencies else None,
            "mean": round(statistics.fmean(latencies) * 1000, 1) if latencies else None,
        },
        "p95_ms_per_10s": [round(percentile(windows[w], 95) * 1000) for w in sorted(windows)],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--senders", type=int, default=10)
    parser.add_argument("--rate", type=float, default=10.0, help="messages per second into the room")
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--procs", type=int, default=2, help="client worker processes")
    parser.add_argument("--servers", type=int, default=1, help="daphne processes sharing the listening socket")
    parser.add_argument("--drain", type=float, default=5.0, help="seconds to wait for queued frames after a phase")
    parser.add_argument("--skip-floor", action="store_true")
    parser.add_argument("--out", help="write the JSON result here too")
    args = parser.parse_args()

    db_url = os.environ.get("DATABASE_URL")
    redis_url = os.environ.get("REDIS_URL")
    if not db_url or not redis_url:
        sys.exit("set DATABASE_URL (PostgreSQL) and REDIS_URL: the bench measures the real components")
    env = {
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "socialflow.settings"),
        "DEBUG": "0",
        "SECRET_KEY": "bench-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "FIELD_ENCRYPTION_KEY": "bench-field-key",
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "CELERY_TASK_ALWAYS_EAGER": "1",  # no worker here: the live notification fan-out runs inline
        "LIVE_CHAT_BURST": "5",
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url,
    }
    setup_django(env)
    stream_id, tokens = prepare_data(args.senders)
    # N daphne processes accept on ONE listening socket (passed with --fd): the kernel spreads the
    # connections over them, as a load balancer in front of N web-tier processes would.
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1024)
    listener.set_inheritable(True)
    port = listener.getsockname()[1]
    servers = [
        subprocess.Popen(
            [str(Path(sys.executable).with_name("daphne")), "--fd", str(listener.fileno()), "socialflow.asgi:application"],
            cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, pass_fds=(listener.fileno(),),
            stderr=open(f"/tmp/chat_fanout_daphne{i}.log", "w"),  # noqa: SIM115
        )
        for i in range(args.servers)
    ]  # fmt: skip
    result = {"args": vars(args), "cpus": os.cpu_count()}
    go_stop = None
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        time.sleep(1)
        url = f"http://127.0.0.1:{port}/ws/streams/{stream_id}/chat/"
        rss_idle = settled_rss(servers)
        sockets_idle = socket_counts(servers)

        ctx = mp.get_context("spawn")
        ready_q, result_q, go_stop = ctx.Queue(), ctx.Queue(), ctx.Event()
        per_proc = [args.clients // args.procs + (1 if i < args.clients % args.procs else 0) for i in range(args.procs)]
        procs = [ctx.Process(target=worker, args=(url, n, ready_q, go_stop, result_q), daemon=True) for n in per_proc]
        t_connect = time.monotonic()
        for p in procs:
            p.start()
        progress(f"connecting {args.clients} clients")
        connected = sum(ready_q.get(timeout=180) for _ in procs)
        progress(f"{connected} connected")
        result["connect_seconds"] = round(time.monotonic() - t_connect, 2)
        result["connected"] = connected
        time.sleep(2)
        rss_connected = servers_rss(servers)
        result["daphne_rss_mib"] = {"idle": round(rss_idle / 1024, 1), "connected": round(rss_connected / 1024, 1)}
        result["connections_per_server"] = [n - i for n, i in zip(socket_counts(servers), sockets_idle, strict=True)]
        result["rss_per_connection_kib"] = round((rss_connected - rss_idle) / max(1, connected), 1)

        our_pids = [os.getpid(), *(server.pid for server in servers), *(p.pid for p in procs)]
        result["loadavg_before"] = Path("/proc/loadavg").read_text().split()[:3]
        t = time.monotonic()
        cpu_before = cpu_seconds(our_pids)
        progress("app phase")
        sent_app, refused = asyncio.run(
            asyncio.wait_for(run_senders(url, tokens, args.rate, args.duration, None), args.duration + 60)
        )
        progress(f"app phase done: {sent_app} sent")
        result["app_wall_seconds"] = round(time.monotonic() - t, 1)
        result["app_cpu_percent"] = cpu_share(cpu_before, cpu_seconds(our_pids), time.monotonic() - t)
        result["app_refused"] = len(refused)
        result["app_refused_codes"] = dict(Counter(r.get("code") or r.get("error", "?")[:60] for r in refused))
        time.sleep(args.drain)  # let queued frames arrive: late is measured as latency, never-arrived as lost
        sent_floor = 0
        if not args.skip_floor:
            t = time.monotonic()
            cpu_before = cpu_seconds(our_pids)
            progress("floor phase")
            sent_floor = asyncio.run(
                asyncio.wait_for(run_floor(stream_id, args.rate, args.duration), args.duration + 60)
            )
            progress(f"floor phase done: {sent_floor} sent")
            result["floor_wall_seconds"] = round(time.monotonic() - t, 1)
            result["floor_cpu_percent"] = cpu_share(cpu_before, cpu_seconds(our_pids), time.monotonic() - t)
            time.sleep(args.drain)
        result["daphne_rss_mib"]["after"] = round(servers_rss(servers) / 1024, 1)
        go_stop.set()
        outs = [result_q.get(timeout=120) for _ in procs]
        progress("results collected")
        for p in procs:
            p.join(timeout=30)
        result["client_errors"] = sum(o["error_count"] for o in outs)
        result["client_error_samples"] = [e for o in outs for e in o["errors"]][:5]
        result["app"] = summarise("A", sent_app, outs)
        result["app"]["deliveries_per_second"] = round(result["app"]["deliveries"] / args.duration, 1)
        if not args.skip_floor:
            result["floor"] = summarise("F", sent_floor, outs)
            result["floor"]["deliveries_per_second"] = round(result["floor"]["deliveries"] / args.duration, 1)
        result["oversize_frames"] = asyncio.run(asyncio.wait_for(oversize_checks(url), 90))
    finally:
        if go_stop is not None:
            go_stop.set()
        for server in servers:
            server.send_signal(signal.SIGTERM)
        for server in servers:
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        listener.close()
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
