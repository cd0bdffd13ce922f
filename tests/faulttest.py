"""The production stack under load while its parts fail: `make faulttest`. A benchmark, not a test.

Starts what `make loadtest` starts (a PostgreSQL primary with a streaming
replica, Redis as the cache, two gunicorn instances of 2 workers, the
background worker) plus a third instance configured without a replica, and
builds a thread. Readers (the thread, the home page, the comments feed, by
browsers without an account) and posters (anonymous, through the real form,
half of them replies) run throughout, while in turn:

1. Redis is stopped for FAULT_SECONDS, then started again (empty);
2. the primary database is stopped for FAULT_SECONDS, then started again;
3. one gunicorn worker is killed with SIGKILL.

Each fault is followed by a calm period of the same length, and the stack
recovers by itself: nothing is restarted but the failed part. For every
period it prints readers' answers (200 / other), posts acknowledged (302 to
the comment), refused with the typed text given back (503), refused without
it, and other answers; for each fault, the seconds from the part's return to
the first acknowledged post; and what the instance without a replica served
its thread readers while the primary was away.

Afterwards it checks every acknowledged comment is in the database with its
words and the reply tree matches a rebuild. Exits non-zero when anything
acknowledged was lost, the tree is off, a refused form lost its text, or
readers got fewer than 99% 200s while Redis or the primary was away.
"""

import collections
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from forum.lib.cookies import DEVICE_COOKIE  # noqa: E402 (needs no settings to import)
from tests.loadtest import build_thread, run, stop, verify  # noqa: E402
from tests.servers import PYTHON, Visitor, gunicorn_process, production_env  # noqa: E402
from tests.with_services import RedisServer, postgres, redis  # noqa: E402

FAULT_SECONDS = int(os.environ.get("FAULTTEST_SECONDS", "20"))
COMMENTS = int(os.environ.get("FAULTTEST_COMMENTS", "300"))
READERS = 4
POSTERS = 4
READER_GOAL = 0.99


class Record:
    """Every answer, by the period it was asked in; the load threads write, the main thread reads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.period = "steady"
        self.reads = collections.defaultdict(collections.Counter)
        self.lone_reads = collections.defaultdict(collections.Counter)  # the instance without a replica
        self.posts = collections.defaultdict(collections.Counter)
        self.accepted: list[tuple[int, str, float]] = []  # (comment id, text, when acknowledged)

    def read(self, status, *, lone=False) -> None:
        with self.lock:
            (self.lone_reads if lone else self.reads)[self.period][status] += 1

    def post(self, answer, text: str) -> None:
        with self.lock:
            if answer.status == 302 and answer.comment_id:
                self.accepted.append((answer.comment_id, text, time.monotonic()))
                outcome = "acknowledged"
            elif answer.status == 503:
                outcome = "refused, text kept" if text in answer.body else "refused, text LOST"
            else:
                outcome = f"other ({answer.status})"
            self.posts[self.period][outcome] += 1

    def first_post_after(self, moment: float) -> float | None:
        with self.lock:
            times = [when for _pk, _text, when in self.accepted if when > moment]
        return min(times) - moment if times else None


def main() -> int:
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="forum-faulttest-")))
        cache = RedisServer()
        databases = stack.enter_context(postgres(replica=True))
        env = production_env(
            **databases,
            **stack.enter_context(redis(as_cache=True, server=cache)),
            DJANGO_STATIC_ROOT=workdir / "static",
            FORUM_COMMENTS_PER_IP=10_000_000,
            FORUM_COMMENTS_PER_POSTER=10_000_000,  # the limits are `make loadtest`'s subject, not this one's
            FORUM_HEATED_WAIT_SECONDS=0,  # nor the 429 that makes replies to a fresh comment in a busy thread wait
        )
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
        run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
        slug = build_thread(env)
        worker = subprocess.Popen([PYTHON, "manage.py", "run_worker"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        stack.callback(stop, worker)
        first, first_process = stack.enter_context(gunicorn_process(env, workers=2))
        second, _ = stack.enter_context(gunicorn_process(env, workers=2))
        lone_env = {key: value for key, value in env.items() if key != "DATABASE_REPLICA_URLS"}
        lone, _ = stack.enter_context(gunicorn_process(lone_env, workers=1))
        print(f"stack: PostgreSQL primary + replica, Redis, gunicorn {first} and {second} (2 workers each, with the "
              f"replica), {lone} (1 worker, no replica), the worker; thread of {COMMENTS} comments")  # fmt: skip

        record, stopping = Record(), threading.Event()
        load = [
            threading.Thread(target=reader, args=(record, stopping, [first, second], slug, n)) for n in range(READERS)
        ]
        load += [
            threading.Thread(target=poster, args=(record, stopping, [first, second], slug, n)) for n in range(POSTERS)
        ]
        load.append(threading.Thread(target=lone_reader, args=(record, stopping, lone, slug)))
        for thread in load:
            thread.start()
        recovery = run_faults(record, cache, databases, first_process)
        stopping.set()
        for thread in load:
            thread.join()

        os.environ.update(env)
        lost, misplaced, count = verify(slug, [(pk, text) for pk, text, _when in record.accepted])
    return report(record, recovery, lost, misplaced, count)


def run_faults(record: Record, cache: RedisServer, databases: dict, gunicorn_arbiter) -> dict:
    """The faults in turn, each followed by a calm period; returns when each failed part came back."""
    stop_primary, start_primary = (
        json.loads(databases["FORUM_TEST_PG_STOP"]),
        json.loads(databases["FORUM_TEST_PG_START"]),
    )
    came_back = {}

    def period(name: str, seconds: float) -> None:
        with record.lock:
            record.period = name
        time.sleep(seconds)

    period("steady", FAULT_SECONDS / 2)
    cache.stop()
    period("Redis stopped", FAULT_SECONDS)
    cache.start()
    came_back["Redis"] = time.monotonic()
    period("after Redis", FAULT_SECONDS)
    subprocess.run(stop_primary, check=True, stdout=subprocess.DEVNULL)
    period("primary stopped", FAULT_SECONDS)
    subprocess.run(start_primary, check=True, stdout=subprocess.DEVNULL)
    came_back["primary"] = time.monotonic()
    period("after the primary", FAULT_SECONDS)
    victim = gunicorn_workers(gunicorn_arbiter.pid)[0]
    os.kill(victim, signal.SIGKILL)
    came_back["a gunicorn worker"] = time.monotonic()
    period("worker killed", FAULT_SECONDS)
    return came_back


def gunicorn_workers(arbiter: int) -> list[int]:
    children = Path(f"/proc/{arbiter}/task/{arbiter}/children").read_text().split()
    return [int(pid) for pid in children]


def reader(record: Record, stopping: threading.Event, bases: list[str], slug: str, number: int) -> None:
    paths = [f"/posts/{slug}/", "/", "/feeds/comments/"]
    visitor, count = Visitor(timeout=15), 0
    while not stopping.is_set():
        count += 1
        if count % 10 == 0:
            visitor = Visitor(timeout=15)  # another reader
        record.read(fetch(visitor, bases[(count + number) % 2] + paths[count % len(paths)]))


def lone_reader(record: Record, stopping: threading.Event, base: str, slug: str) -> None:
    """Thread readers of the instance without a replica: served from the page cache while the primary is away."""
    while not stopping.is_set():
        record.read(fetch(Visitor(timeout=15), f"{base}/posts/{slug}/"), lone=True)
        time.sleep(0.2)


def fetch(visitor: Visitor, url: str):
    try:
        return visitor.get(url).status
    except OSError as error:
        return type(error).__name__


def poster(record: Record, stopping: threading.Event, bases: list[str], slug: str, number: int) -> None:
    rng, visitor, count = random.Random(number), Visitor(timeout=15), 0
    while not stopping.is_set():
        count += 1
        text = f"Fault test comment [p{number}-c{count}]"
        with record.lock:
            parent = rng.choice(record.accepted)[0] if record.accepted and rng.random() < 0.5 else None
        try:
            answer = visitor.post_comment(bases[count % 2], slug, text, parent=parent)
        except OSError as error:
            with record.lock:
                record.posts[record.period][f"other ({type(error).__name__})"] += 1
            continue
        record.post(answer, text)
        visitor.forget(DEVICE_COOKIE)  # the next post is another person's
        time.sleep(0.25)


def report(record: Record, came_back: dict, lost: list, misplaced: int, count: int) -> int:
    print()
    print(f"{'period':<20}{'readers 200':>18}{'other':>26}   posts")
    failures = []
    for name, answers in record.reads.items():
        total, ok = sum(answers.values()), answers[200]
        others = ", ".join(f"{status}: {n}" for status, n in answers.items() if status != 200) or "none"
        posts = ", ".join(f"{outcome} {n}" for outcome, n in record.posts[name].items()) or "none"
        print(f"{name:<20}{ok:>8} of {total:<6} {ok / total:>6.1%}   {others:<22}   {posts}")
        if name in ("Redis stopped", "primary stopped") and ok / total < READER_GOAL:
            failures.append(f"{name}: readers {ok / total:.1%} 200, goal {READER_GOAL:.0%}")
        if record.posts[name]["refused, text LOST"]:
            failures.append(f"{name}: a refused form did not give the text back")
    print()
    for part, moment in came_back.items():
        after = record.first_post_after(moment)
        print(f"{part} back: first acknowledged post {f'{after:.1f} s' if after is not None else 'NEVER'} later")
        if after is None:
            failures.append(f"posting did not recover after {part}")
    lone = record.lone_reads["primary stopped"]
    print(f"instance without a replica, primary stopped: thread readers {lone[200]} of {sum(lone.values())} 200 "
          f"({', '.join(f'{status}: {n}' for status, n in lone.items() if status != 200) or 'no other answer'})")  # fmt: skip
    print(f"after the run: {count} comments in the thread, {len(record.accepted)} acknowledged, {len(lost)} of them "
          f"lost; {misplaced} tree positions differ from a rebuild")  # fmt: skip
    if lost or misplaced:
        failures.append("acknowledged comments lost or the tree is off")
    print("\n".join(["FAILED:", *failures]) if failures else "OK")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
