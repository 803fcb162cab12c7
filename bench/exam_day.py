"""A whole exam day on one machine: thousands of candidates log in, answer, hand in.

    .venv/bin/python bench/exam_day.py [--candidates 5000] [--workers 4] [--human 150]

What it does, all on 127.0.0.1 and bounded in time (it stops by itself):
1. A fresh PostgreSQL database (`carboncert_examday`), the demo CE-1 bank, one sitting
   today compressed to a few minutes, N admitted candidates, their papers prepared.
2. The platform started the production way: `carboncert serve` (granian, `--workers`
   processes of `--threads` threads), PostgreSQL, Redis for the cache (login throttling).
3. Simulated candidates, an asyncio client (aiohttp): locust's own Python greenlets
   would eat one of the two cores the server needs, and a few thousand idle
   candidates are cheap coroutines. Each one: the login page and form (a burst),
   the exam page and its token, a device-check event, start (the paper) at the
   start time, then at a human pace answer saves (one every 10–20 s, some changing
   an earlier answer), heartbeats (15 s), camera snapshots (a small JPEG at the
   sitting's interval), a few leaves; 10% hand in early, the rest at the end.
4. Two ceiling searches before the end, on the same attempts: a mixed load at the
   human ratio (candidate-equivalents per second), then saves alone, each in steps
   of rising rate; a step "holds" while p99 < 200 ms and errors stay at 0.
5. At the end: the sweep (what `carboncert tick` runs), timed until every attempt
   is handed in and scored; every candidate's acknowledged answers compared with
   the database (answers lost); pgbench running the same upsert as one save.
It prints per-endpoint figures and ends with RESULT lines.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "carboncert_examday"
PG = "postgres://postgres@127.0.0.1:5432"

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--candidates", type=int, default=5000)
parser.add_argument("--workers", type=int, default=2, help="server worker processes")
parser.add_argument("--threads", type=int, default=8, help="threads per worker")
parser.add_argument("--port", type=int, default=8123)
parser.add_argument("--human", type=int, default=150, help="seconds of human-pace answering")
parser.add_argument("--step", type=int, default=10, help="seconds per ceiling-search step")
parser.add_argument("--connections", type=int, default=256, help="client connection pool")
args = parser.parse_args()

os.environ.update(
    DATABASE_URL=f"{PG}/{DB_NAME}",
    REDIS_URL="redis://127.0.0.1:6379/13",
    SECRET_KEY="exam-day-bench-only-" + "x" * 40,
    CARBONCERT_VAR=tempfile.mkdtemp(prefix="carboncert-examday-"),
    DJANGO_SETTINGS_MODULE="carboncert.settings",
    LOG_LEVEL="WARNING",
)

import aiohttp  # noqa: E402
import psutil  # noqa: E402
import psycopg  # noqa: E402

with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
    admin.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    admin.execute(f"CREATE DATABASE {DB_NAME}")

import django  # noqa: E402

django.setup()


from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from carboncert import testing  # noqa: E402
from carboncert.accounts import roles  # noqa: E402
from carboncert.accounts.models import Person  # noqa: E402
from carboncert.bank import demo_content  # noqa: E402
from carboncert.bank import services as bank  # noqa: E402
from carboncert.bank.models import Question  # noqa: E402
from carboncert.catalog.models import KnowledgePoint, Subject  # noqa: E402
from carboncert.catalog.services import load_catalogue  # noqa: E402
from carboncert.exams import services as exams  # noqa: E402
from carboncert.exams.models import Answer, Attempt  # noqa: E402
from carboncert.grading.models import AttemptScore  # noqa: E402
from carboncert.registration.models import Application, Bill, BillLine  # noqa: E402
from carboncert.sittings.models import Sitting  # noqa: E402
from carboncert.sittings.services import refresh_timeline  # noqa: E402

SNAPSHOT = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b"
    "0b0c1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e3334"
    "32ffc0000b080001000101011100ffc4001f0000010501010101010100000000000000000102030405060708"
    "090a0bffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114"
    "328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748"
    "494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999a"
    "a2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7"
    "e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f00fbd3ffd9"
) + bytes(12_000)  # a 1×1 JPEG padded to the size of a small 320×240 camera frame


# --- set-up (not timed) ------------------------------------------------------------------


def set_up(count: int) -> Sitting:
    call_command("migrate", verbosity=0)
    load_catalogue()
    author = testing.staff("bench-author", roles.QUESTION_EDITOR)
    checker = testing.staff("bench-checker", roles.QUESTION_EDITOR)
    points = {p.name: p for p in KnowledgePoint.objects.all()}
    for name, item in demo_content.load():
        question = bank.create_question(points[name], item, by=author)
        bank.move(question, Question.Status.REVIEW, by=author)
        bank.move(question, Question.Status.ACTIVE, by=checker)
    today = timezone.localdate()
    sitting = Sitting.objects.create(
        kind=Sitting.Kind.REGULAR, slot_year=today.year, slot_month=today.month, date=today,
        duration_minutes=60, check_in_minutes=60, late_entry_minutes=59,
        earliest_hand_in_minutes=1, snapshot_interval_seconds=60, leave_limit=10,
    )  # fmt: skip
    sitting.subjects.add(Subject.objects.get(code="CE-1"))
    subject = Subject.objects.get(code="CE-1")
    institution = testing.institution()
    with transaction.atomic():
        people = [
            Person(id_number=testing.id_number(birth=f"{1970 + n // 1000 % 30}0101",
                                               sequence=n % 1000),
                   name=f"考生{n:05d}")
            for n in range(count)
        ]  # fmt: skip
        for person in people:  # save() derives gender and birth date from the number
            person.save()
        applications = Application.objects.bulk_create(
            [Application(person=p, institution=institution, sitting=sitting, subject=subject,
                         status=Application.Status.APPROVED, phone="13800000000",
                         education="本科", ticket_number=f"B{n:07d}")
             for n, p in enumerate(people)],
            batch_size=1000,
        )  # fmt: skip
        bill = Bill.objects.create(institution=institution, sitting=sitting, number="BENCH")
        BillLine.objects.bulk_create(
            [BillLine(bill=bill, application=a, amount=800, paid_at=timezone.now())
             for a in applications],
            batch_size=1000,
        )  # fmt: skip
    prepared = exams.prepare_papers(sitting)
    assert prepared == count, prepared
    return sitting


def open_the_sitting(sitting: Sitting, login_seconds: int, minutes: int) -> Sitting:
    """Check-in from now, the start `login_seconds` from now, the end `minutes` later."""
    start = timezone.localtime() + timedelta(seconds=login_seconds)
    sitting.start_time = start.time().replace(microsecond=0)
    sitting.duration_minutes = minutes
    sitting.late_entry_minutes = minutes - 1
    refresh_timeline(sitting)
    sitting.save()
    return sitting


# --- the server --------------------------------------------------------------------------


def start_server(port: int, workers: int, threads: int) -> subprocess.Popen:
    """`carboncert serve`, as production runs it (granian), without its access log: on exam
    day the load balancer keeps that."""
    carboncert = str(Path(sys.executable).parent / "carboncert")
    server = subprocess.Popen(
        [carboncert, "serve", "--no-migrate", "--no-access-log", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(workers), "--threads", str(threads)],
        cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(150):
        time.sleep(0.2)
        try:
            import urllib.request

            urllib.request.urlopen(f"http://127.0.0.1:{port}/exam/login/", timeout=2).read()
            return server
        except OSError:
            continue
    raise SystemExit("the server did not come up")


class ServerWatch:
    """CPU seconds and the largest resident memory of each server worker."""

    def __init__(self, server: subprocess.Popen):
        self.master = psutil.Process(server.pid)
        self.peak_rss: dict[int, int] = defaultdict(int)
        self.marks: dict[str, float] = {}

    def workers(self):
        return self.master.children()

    def cpu(self) -> float:
        total = 0.0
        for worker in self.workers():
            try:
                times = worker.cpu_times()
                total += times.user + times.system
            except psutil.NoSuchProcess:
                pass
        return total

    def database_cpu(self) -> float:
        """CPU seconds of everything but the server and this generator: PostgreSQL, Redis
        and the system. (Backends come and go with the connections' age, so the machine's
        total is the honest count, not a sum over today's postgres processes.)"""
        times = psutil.cpu_times()
        busy = sum(times) - times.idle - getattr(times, "iowait", 0.0)
        own = psutil.Process().cpu_times()
        return busy - self.cpu() - own.user - own.system

    async def sample(self, stop: asyncio.Event):
        while not stop.is_set():
            for worker in self.workers():
                with contextlib.suppress(psutil.NoSuchProcess):
                    self.peak_rss[worker.pid] = max(
                        self.peak_rss[worker.pid], worker.memory_info().rss
                    )
            await asyncio.sleep(1)


# --- the candidates ----------------------------------------------------------------------


class Stats:
    def __init__(self):
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.first: dict[str, float] = {}
        self.last: dict[str, float] = {}
        self.answers = 0  # answers acknowledged
        self.refused = 0  # snapshots the server was too busy to store (sent once more)

    def add(self, name: str, seconds: float, ok: bool):
        now = time.monotonic()
        self.latency[name].append(seconds)
        self.first.setdefault(name, now - seconds)
        self.last[name] = now
        if not ok:
            self.errors[name] += 1

    def rows(self):
        for name in sorted(self.latency):
            values = sorted(self.latency[name])
            span = max(self.last[name] - self.first[name], 1e-3)
            yield name, len(values), len(values) / span, pct(values, 50), pct(values, 95), \
                pct(values, 99), self.errors[name]  # fmt: skip


def pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    return values[min(len(values) - 1, int(len(values) * p / 100))] * 1000


@dataclass
class Candidate:
    number: int
    id_number: str
    token: str = ""
    items: list[dict] = field(default_factory=list)
    seq: int = 0
    acked: dict[int, tuple[int, str]] = field(default_factory=dict)  # n → (seq, value)
    busy: bool = False
    handed_in: bool = False


class Client:
    def __init__(self, site: str, stats: Stats, connections: int):
        self.site = site
        self.api = site + "/api/exam"
        self.stats = stats
        self.retries: set[asyncio.Task] = set()
        self.connector = aiohttp.TCPConnector(limit=connections)
        self.session = aiohttp.ClientSession(connector=self.connector,
                                             timeout=aiohttp.ClientTimeout(total=60))  # fmt: skip

    async def close(self):
        await self.session.close()

    async def timed(self, name: str, method: str, url: str, *, session=None, ok=(200, 204),
                    **kwargs):  # fmt: skip
        began = time.monotonic()
        try:
            async with (session or self.session).request(method, url, **kwargs) as response:
                body = await response.read()
                status = response.status
        except (TimeoutError, aiohttp.ClientError):
            self.stats.add(name, time.monotonic() - began, False)
            return None, b""
        self.stats.add(name, time.monotonic() - began, status in ok)
        return status, body

    def auth(self, c: Candidate) -> dict:
        return {"Authorization": f"Bearer {c.token}"}

    async def log_in(self, c: Candidate) -> None:
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(connector=self.connector, connector_owner=False,
                                         cookie_jar=jar) as browser:  # fmt: skip
            began = time.monotonic()
            _status, page = await self.timed("login page", "GET", self.site + "/exam/login/",
                                            session=browser)  # fmt: skip
            csrf = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page or b"")
            if not csrf:
                return
            _status, page = await self.timed(
                "login", "POST", self.site + "/exam/login/", session=browser,
                data={"csrfmiddlewaretoken": csrf.group(1).decode(), "id_number": c.id_number,
                      "password": c.id_number[-4:]},
            )  # fmt: skip
            token = re.search(rb'data-token="([^"]+)"', page or b"")
            self.stats.add("login (page to token)", time.monotonic() - began, bool(token))
            if token:
                c.token = token.group(1).decode()

    async def device_check(self, c: Candidate):
        detail = {"browser": "ok: Chrome 131", "camera": "ok: 640×480", "fullscreen": "ok",
                  "network": "ok: 12 ms", "clock": "ok: +0.2 s"}  # fmt: skip
        await self.timed("events", "POST", self.api + "/events", headers=self.auth(c),
                         json={"kind": "device_check", "detail": detail}, ok=(204,))  # fmt: skip

    async def start(self, c: Candidate):
        status, body = await self.timed("start (the paper)", "POST", self.api + "/start",
                                        headers=self.auth(c))  # fmt: skip
        if status == 200:
            c.items = json.loads(body)["items"]

    def next_saves(self, c: Candidate, rng: random.Random, count: int) -> list[dict]:
        saves = []
        for _ in range(count):
            item = rng.choice(c.items)
            if item["type"] in ("short",):
                value = rng.choice(["活动数据乘以排放因子", "外购电力的间接排放", "碳配额清缴"])
            elif item["type"] == "numeric":
                value = str(rng.randint(1, 9999))
            else:
                keys = [o["key"] for o in item["options"]] or ["A", "B"]
                value = "".join(sorted(rng.sample(keys, 2 if item["type"] == "multiple" else 1)))
            c.seq += 1
            saves.append({"seq": c.seq, "n": item["n"], "value": value})
        return saves

    async def save(self, c: Candidate, saves: list[dict], name="answers") -> None:
        status, body = await self.timed(name, "POST", self.api + "/answers",
                                        headers=self.auth(c), json={"saves": saves},
                                        ok=(200, 409))  # fmt: skip
        if status == 200:
            acked = json.loads(body)["acked_seq"]
            self.stats.answers += sum(s["seq"] <= acked for s in saves)
            for s in saves:
                if s["seq"] <= acked and s["seq"] > c.acked.get(s["n"], (0, ""))[0]:
                    c.acked[s["n"]] = (s["seq"], s["value"])
        elif status == 409:
            c.handed_in = True
        else:
            c.seq = max(seq for seq, _ in c.acked.values()) if c.acked else 0  # resend later

    async def heartbeat(self, c: Candidate, name="heartbeat"):
        await self.timed(name, "POST", self.api + "/heartbeat", headers=self.auth(c),
                         json={"client_time_ms": int(time.time() * 1000)})  # fmt: skip

    async def snapshot(self, c: Candidate, name="snapshots", again=True):
        # As exam.js sends it: the JPEG itself as the body, sent once more a few seconds
        # later if the server was busy storing others (503); only that second refusal counts
        # as an error.
        status, _ = await self.timed(
            name, "POST", self.api + "/snapshots?reason=interval",
            headers={**self.auth(c), "Content-Type": "image/jpeg"}, data=SNAPSHOT,
            ok=(204, 409, 503) if again else (204, 409),
        )  # fmt: skip
        if status == 503 and again:
            self.stats.refused += 1
            self.retries.add(asyncio.create_task(self.snapshot_again(c, name)))

    async def snapshot_again(self, c: Candidate, name: str):
        await asyncio.sleep(random.uniform(3, 5))
        await self.snapshot(c, name + " (again)", again=False)

    async def leave(self, c: Candidate):
        await self.timed("leaves", "POST", self.api + "/leaves", headers=self.auth(c),
                         json={"reason": "fullscreen"})  # fmt: skip

    async def hand_in(self, c: Candidate):
        status, _ = await self.timed("hand-in", "POST", self.api + "/hand-in",
                                     headers=self.auth(c), ok=(200, 409))  # fmt: skip
        c.handed_in = status in (200, 409)


async def human(client: Client, c: Candidate, until: float, rng: random.Random, early: bool):
    """One candidate at a human pace until `until` (monotonic)."""
    next_save = time.monotonic() + rng.uniform(3, 20)
    next_beat = time.monotonic() + rng.uniform(0, 15)
    next_snap = time.monotonic() + rng.uniform(0, 60)
    leave_at = time.monotonic() + rng.uniform(20, 120) if rng.random() < 0.02 else None
    hand_in_at = time.monotonic() + rng.uniform(60, until - time.monotonic()) if early else None
    while not c.handed_in:
        now = time.monotonic()
        if now >= until:
            return
        if hand_in_at and now >= hand_in_at:
            await client.hand_in(c)
            return
        if now >= next_save:
            await client.save(c, client.next_saves(c, rng, 2 if rng.random() < 0.2 else 1))
            next_save = now + rng.uniform(10, 20)
        if now >= next_beat:
            await client.heartbeat(c)
            next_beat = now + 15
        if now >= next_snap:
            await client.snapshot(c)
            next_snap = now + 60
        if leave_at and now >= leave_at:
            await client.leave(c)
            leave_at = None
        await asyncio.sleep(max(0.05, min(next_save, next_beat, next_snap) - time.monotonic()))


async def ramp(client: Client, pool: list[Candidate], rates: list[float], kinds: list[tuple],
               step: int, rng: random.Random, label: str) -> list[dict]:  # fmt: skip
    """Open-loop load: for each rate, `step` seconds of requests at that rate, kinds drawn
    by weight, each on a free attempt (saves on one attempt stay in sequence)."""
    results = []
    names = [k[0] for k in kinds]
    weights = [k[1] for k in kinds]
    for rate in rates:
        stats = Stats()
        original, client.stats = client.stats, stats
        tasks = set()
        began = time.monotonic()
        sent = 0
        while time.monotonic() - began < step:
            due = int((time.monotonic() - began) * rate) - sent
            for _ in range(max(0, due)):
                free = [c for c in rng.sample(pool, min(8, len(pool))) if not c.busy]
                if not free or len(tasks) > 2000:
                    continue
                c = free[0]
                c.busy = True
                kind = rng.choices(names, weights)[0]
                tasks.add(asyncio.create_task(one(client, c, kind, rng, label)))
                sent += 1
            tasks = {t for t in tasks if not t.done()}
            await asyncio.sleep(0.005)
        await asyncio.gather(*tasks)
        wall = time.monotonic() - began
        client.stats = original
        row = {"rate": rate, "sent": sent, "achieved": sent / wall, "answers": stats.answers / wall}
        for name, n, _rps, p50, _p95, p99, errors in stats.rows():
            row[name] = {"n": n, "p99": p99, "p50": p50, "errors": errors}
        results.append(row)
        worst = max((v["p99"] for k, v in row.items() if isinstance(v, dict)), default=0)
        errors = sum(v["errors"] for k, v in row.items() if isinstance(v, dict))
        print(f"  {label} {rate:7.0f}/s → sent {row['achieved']:7.0f}/s, worst p99 "
              f"{worst:6.0f} ms, errors {errors}")  # fmt: skip
        if worst > 1000 or errors:  # past the knee: the next steps only queue
            break
    return results


async def one(client: Client, c: Candidate, kind: str, rng: random.Random, label: str):
    try:
        if kind == "save":
            saves = client.next_saves(c, rng, 2 if rng.random() < 0.2 else 1)
            await client.save(c, saves, name=f"{label} save")
        elif kind == "batch":  # a client catching up after its network came back
            await client.save(c, client.next_saves(c, rng, BATCH), name=f"{label} save")
        elif kind == "heartbeat":
            await client.heartbeat(c, name=f"{label} heartbeat")
        else:
            await client.snapshot(c, name=f"{label} snapshot")
    finally:
        c.busy = False


BATCH = 5  # answers in one save request of the batched ceiling search


# --- the day -----------------------------------------------------------------------------


def pgbench(seconds: int = 10) -> float:
    """The raw limit: the same durable upsert as one save, as fast as PostgreSQL goes."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS pgbench_upsert (attempt_id bigint, n smallint, "
            "value text, seq bigint, saved_at timestamptz, PRIMARY KEY (attempt_id, n))"
        )
    script = Path(tempfile.mkdtemp()) / "upsert.sql"
    script.write_text(
        "\\set a random(1, 100000)\n\\set n random(1, 50)\n"
        "INSERT INTO pgbench_upsert (attempt_id, n, value, seq, saved_at) "
        "VALUES (:a, :n, 'AB', 1, now()) ON CONFLICT (attempt_id, n) DO UPDATE SET "
        "value = excluded.value, seq = pgbench_upsert.seq + 1, saved_at = excluded.saved_at;\n"
    )
    out = subprocess.run(
        ["pgbench", "-n", "-f", str(script), "-c", "16", "-j", "2", "-T", str(seconds),
         "-h", "127.0.0.1", "-U", "postgres", DB_NAME],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return float(re.search(r"tps = ([\d.]+)", out).group(1))


async def day(sitting: Sitting, candidates: list[Candidate], watch: ServerWatch) -> dict:
    rng = random.Random(5)
    stats = Stats()
    client = Client(f"http://127.0.0.1:{args.port}", stats, args.connections)
    stop = asyncio.Event()
    sampler = asyncio.create_task(watch.sample(stop))
    figures: dict = {}

    # 1. The login burst: everyone at once, as many in flight as the pool allows.
    cpu = watch.cpu()
    began = time.monotonic()
    await asyncio.gather(*(client.log_in(c) for c in candidates))
    figures["login_seconds"] = time.monotonic() - began
    figures["logged_in"] = sum(bool(c.token) for c in candidates)
    figures["login_cpu"] = (watch.cpu() - cpu) / figures["login_seconds"]
    print(f"login burst: {figures['logged_in']} of {len(candidates)} in "
          f"{figures['login_seconds']:.1f} s ({figures['logged_in'] / figures['login_seconds']:.0f}"
          f"/s), server CPU {figures['login_cpu']:.2f} cores")  # fmt: skip
    await asyncio.gather(*(client.device_check(c) for c in candidates if c.token))

    # 2. The start: wait for it, then everyone fetches their paper.
    wait = (sitting.starts_at - timezone.now()).total_seconds()
    if wait > 0:
        await asyncio.sleep(wait + 0.5)
    began = time.monotonic()
    await asyncio.gather(*(client.start(c) for c in candidates if c.token))
    figures["start_seconds"] = time.monotonic() - began
    print(f"start: {sum(bool(c.items) for c in candidates)} papers in "
          f"{figures['start_seconds']:.1f} s")  # fmt: skip

    # 3. Human pace.
    cpu, db_cpu, began = watch.cpu(), watch.database_cpu(), time.monotonic()
    requests_before = sum(len(v) for v in stats.latency.values())
    until = began + args.human
    working = [c for c in candidates if c.items]
    await asyncio.gather(*(human(client, c, until, rng, rng.random() < 0.1) for c in working))
    wall = time.monotonic() - began
    figures["human_cpu"] = (watch.cpu() - cpu) / wall
    figures["human_db_cpu"] = (watch.database_cpu() - db_cpu) / wall
    figures["human"] = list(stats.rows())
    served = (sum(len(v) for v in stats.latency.values()) - requests_before) / wall
    figures["human_ms"] = figures["human_cpu"] * 1000 / served
    figures["human_db_ms"] = figures["human_db_cpu"] * 1000 / served
    print(f"human pace: {args.human} s, {served:.0f} requests/s; CPU: server "
          f"{figures['human_cpu']:.2f} cores ({figures['human_ms']:.2f} ms a request), "
          f"PostgreSQL and the rest {figures['human_db_cpu']:.2f} cores "
          f"({figures['human_db_ms']:.2f} ms a request)")  # fmt: skip

    # 4. Ceiling searches on the attempts still open.
    pool = [c for c in working if not c.handed_in]
    per_candidate = (1 / 15, 1 / 15, 1 / 60)  # saves, heartbeats, snapshots per second
    mixed_rate = sum(per_candidate)
    print("ceiling search, the human mix (candidate-equivalents):")
    mixed = await ramp(
        client, pool, [n * mixed_rate for n in (1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000,
                                                9000, 10000, 11000, 12000, 14000)],
        [("save", per_candidate[0]), ("heartbeat", per_candidate[1]),
         ("snapshot", per_candidate[2])], args.step, rng, "mixed",
    )  # fmt: skip
    print("ceiling search, saves alone:")
    saves = await ramp(client, pool, [400, 800, 1000, 1200, 1400, 1600, 1800, 2000, 2400],
                       [("save", 1)], args.step, rng, "saves")  # fmt: skip
    print(f"ceiling search, saves of {BATCH} answers (a client catching up):")
    batches = await ramp(client, pool, [200, 400, 600, 800, 1000, 1200, 1400, 1600],
                         [("batch", 1)], args.step, rng, "batches")  # fmt: skip
    figures["mixed"], figures["saves"], figures["batches"] = mixed, saves, batches

    # 5. The end: what is left open is handed in by the sweep, then scored.
    wait = (sitting.ends_at - timezone.now()).total_seconds()
    print(f"waiting {max(wait, 0):.0f} s for the end of the sitting")
    if wait > 0:
        await asyncio.sleep(wait)
    began = time.monotonic()
    await asyncio.to_thread(sweep_and_score, len(candidates))
    figures["end_to_scored"] = time.monotonic() - began
    stop.set()
    await sampler
    await asyncio.gather(*client.retries)
    figures["snapshots_refused"] = stats.refused
    await client.close()
    figures["candidates"] = candidates
    return figures


def sweep_and_score(count: int) -> None:
    from django.db import close_old_connections

    close_old_connections()
    exams.sweep()
    while (
        Attempt.objects.filter(status=Attempt.Status.HANDED_IN).count() < count
        or AttemptScore.objects.count() < count
    ):
        time.sleep(0.2)
        exams.sweep()


def lost_answers(candidates: list[Candidate]) -> tuple[int, int]:
    """Acknowledged answers the database does not hold as acknowledged (must be 0)."""
    stored = {
        (a, n): (seq, value)
        for a, n, seq, value in Answer.objects.values_list("attempt_id", "n", "seq", "value")
    }
    attempts = dict(Attempt.objects.values_list("application__person__id_number", "pk"))
    lost = checked = 0
    for c in candidates:
        attempt = attempts.get(c.id_number)
        for n, (seq, value) in c.acked.items():
            checked += 1
            held = stored.get((attempt, n))
            # The database may hold a later save of the same question, never an earlier one.
            if held is None or held[0] < seq or (held[0] == seq and held[1] != value):
                lost += 1
    return lost, checked


def best(rows: list[dict]) -> tuple[float, float]:
    """The highest achieved rate (and answers/s) at which every endpoint held p99 < 200 ms
    without errors."""
    held = [r for r in rows if all(v["p99"] < 200 and not v["errors"]
                                   for v in r.values() if isinstance(v, dict))]  # fmt: skip
    if not held:
        return 0.0, 0.0
    return held[-1]["achieved"], held[-1]["answers"]


def main() -> None:
    began = time.perf_counter()
    sitting = set_up(args.candidates)
    cache.clear()
    print(f"set-up: {args.candidates} admissions and papers in {time.perf_counter() - began:.0f} s")
    raw_tps = pgbench()
    print(f"pgbench, the save's upsert: {raw_tps:.0f} transactions/s")
    server = start_server(args.port, args.workers, args.threads)
    watch = ServerWatch(server)
    login_seconds = max(30, args.candidates // 60)
    ceiling = 32 * args.step + 30  # the three searches stop at their first failing step
    minutes = int((args.human + ceiling + 60) // 60) + 1  # from the start time
    open_the_sitting(sitting, login_seconds, minutes)
    candidates = [
        Candidate(n, a.person.id_number)
        for n, a in enumerate(Application.objects.select_related("person").order_by("pk"))
    ]
    try:
        figures = asyncio.run(day(sitting, candidates, watch))
    finally:
        server.terminate()
        server.wait(timeout=30)
    lost, checked = lost_answers(figures["candidates"])
    shutil.rmtree(os.environ["CARBONCERT_VAR"], ignore_errors=True)  # the snapshots

    print(f"\n{'endpoint':28} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'p99 ms':>8} {'errors':>7}")  # fmt: skip
    for name, n, rps, p50, p95, p99, errors in figures["human"]:
        print(f"{name:28} {n:9d} {rps:8.1f} {p50:8.1f} {p95:8.1f} {p99:8.1f} {errors:7d}")
    rss = sorted(watch.peak_rss.values())
    print(f"\nworkers: {len(rss)}, peak resident memory "
          f"{', '.join(f'{r / 2**20:.0f}' for r in rss)} MB")  # fmt: skip
    print(f"answers: {checked} acknowledged answers checked, {lost} lost")
    print(f"snapshots refused while the server was busy storing others, then sent again: "
          f"{figures['snapshots_refused']} at the human pace")  # fmt: skip
    print(f"end of sitting to every attempt handed in and scored: {figures['end_to_scored']:.1f} s")
    human = {row[0]: row for row in figures["human"]}
    mixed_rate, _ = best(figures["mixed"])
    save_rate, single_answers_rate = best(figures["saves"])
    batch_rate, answers_rate = best(figures["batches"])
    print(f"database: {connection.vendor}; granian {args.workers} workers × {args.threads} "
          f"threads; load generator on the same 2 cores")  # fmt: skip
    print(f"saves of {BATCH} answers: {batch_rate:.0f} requests/s held; single saves carried "
          f"{single_answers_rate:.0f} answers/s")  # fmt: skip
    print(f"RESULT candidates {args.candidates} candidates")
    print(f"RESULT login_per_second {figures['logged_in'] / figures['login_seconds']:.0f} logins/s")
    print(f"RESULT login_seconds {figures['login_seconds']:.1f} s")
    for name in ("answers", "heartbeat"):
        if name in human:
            print(f"RESULT {name}_p99_ms {human[name][5]:.0f} ms")
    errors = sum(row[6] for row in figures["human"])
    print(f"RESULT human_pace_errors {errors} errors")
    print(f"RESULT answers_lost {lost} answers")
    print(f"RESULT end_to_scored_seconds {figures['end_to_scored']:.1f} s")
    print(f"RESULT candidate_ceiling {mixed_rate / (1 / 15 + 1 / 15 + 1 / 60):.0f} candidates")
    print(f"RESULT save_ceiling {save_rate:.0f} requests/s")
    print(f"RESULT answers_per_second {answers_rate:.0f} answers/s")
    print(f"RESULT pgbench_upsert {raw_tps:.0f} transactions/s")
    print(f"RESULT answers_to_pgbench {answers_rate / raw_tps * 100:.0f} %")
    print(f"RESULT server_cpu_per_request {figures['human_ms']:.2f} ms")
    print(f"RESULT database_cpu_per_request {figures['human_db_ms']:.2f} ms")
    print(f"RESULT worker_peak_rss {max(rss) / 2**20:.0f} MB")


if __name__ == "__main__":
    main()
