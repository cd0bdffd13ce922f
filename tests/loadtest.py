"""The production stack on this machine under load: `make loadtest`. A benchmark, not a test.

Starts what production runs, each on a free port: a PostgreSQL primary with a
streaming replica, Redis as the shared cache, two gunicorn instances (2 workers
each, gunicorn.conf.py, DJANGO_DEBUG=false) and the background worker. Builds a
1,000-comment thread (as tests/bench_thread.py does), then measures:

- reads: wrk (-t1 -c4 on each instance at once) for a hello-world view
  (/robots.txt, the baseline), the thread as a first visit (anonymous readers
  are served from the replica and the shared cache), and the thread
  revalidated (304);
- posting: 8 posters at once, alternating between the two instances, half of
  their comments replies into the thread: throughput and p50/p99 latency.
  Each post comes from a new browser (the device cookie dropped), as many
  readers behind 8 busy connections; the per-IP limit is lifted for them;
- limits: one browser posts past FORUM_COMMENTS_PER_POSTER (8), alternating
  instances; exactly 8 may be accepted.

Then it checks, and prints: acknowledged comments missing from the database
(every 302 must have its row), reply-tree positions that differ from a
rebuild, and whether the limit held. Needs wrk (Debian's package: installed
with apt-get when missing and run as root), PostgreSQL and redis-server.
Exits non-zero when anything was lost or a limit slipped.
"""

import os
import random
import re
import shutil
import signal
import statistics
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
from tests.servers import PYTHON, Visitor, gunicorn, production_env  # noqa: E402
from tests.with_services import postgres, redis  # noqa: E402

SECONDS = int(os.environ.get("LOADTEST_SECONDS", "10"))
COMMENTS = int(os.environ.get("LOADTEST_COMMENTS", "1000"))
POSTERS = 8
PER_POSTER_LIMIT = 8


def main() -> int:
    wrk = find_wrk()
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="forum-loadtest-")))
        env = production_env(
            **stack.enter_context(postgres(replica=True)),
            **stack.enter_context(redis(as_cache=True)),
            DJANGO_STATIC_ROOT=workdir / "static",
            FORUM_COMMENTS_PER_IP=10_000_000,
            FORUM_COMMENTS_PER_POSTER=PER_POSTER_LIMIT,
        )
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
        run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
        slug = build_thread(env)
        worker = subprocess.Popen(
            [PYTHON, "manage.py", "run_worker"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        stack.callback(stop, worker)
        first = stack.enter_context(gunicorn(env, workers=2))
        second = stack.enter_context(gunicorn(env, workers=2))
        print(
            f"stack: PostgreSQL primary + streaming replica, Redis, gunicorn x2 (2 workers each) at {first} and {second}, worker"
        )
        print(f"thread: {COMMENTS} comments; wrk -t1 -c4 -d{SECONDS}s on each instance at once")

        reads = measure_reads(wrk, [first, second], slug)
        posted = measure_posting([first, second], slug)
        limit = measure_limit([first, second], slug)

        os.environ.update(env)
        lost, misplaced, count = verify(slug, posted["accepted"])
        worker_alive = worker.poll() is None

    print()
    hello = reads[0][1]
    for label, rate, p50, p99 in reads:
        print(f"{label:<30}{rate:>9.1f} req/s {rate / hello:>7.1%} of hello world   p50 {p50:>8}   p99 {p99:>8}")
    print(
        f"{'posting, 8 posters':<30}{posted['rate']:>9.1f} comments/s ({len(posted['accepted'])} in {posted['seconds']:.1f} s)"
        f"   p50 {posted['p50']:.0f} ms   p99 {posted['p99']:.0f} ms   other answers: {posted['other'] or 'none'}"
    )
    print(
        f"limit, one browser, 12 posts across both instances: {limit['accepted']} accepted, {limit['refused']} refused (429)"
    )
    print(f"after the run: {count} comments in the thread; {len(lost)} acknowledged comments lost; "
          f"{misplaced} tree positions differ from a rebuild; worker {'running' if worker_alive else 'DIED'}")  # fmt: skip
    ok = not lost and not misplaced and limit["accepted"] == PER_POSTER_LIMIT and worker_alive and not posted["other"]
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


def find_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk is None and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "update", "-qq"], check=False, stdout=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL)
        wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("loadtest: wrk is needed (Debian: apt-get install wrk).")
    return wrk


def run(command: list[str], env: dict) -> None:
    subprocess.run(command, cwd=ROOT, env=env, check=True)


def stop(process) -> None:
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


def build_thread(env: dict) -> str:
    """The thread, written by the benchmark's own builder in a child with the load test's settings."""
    code = (
        "import os, sys; sys.path.insert(0, os.getcwd()); import django; "
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'forum.settings'); django.setup(); "
        "from tests.bench_thread import build_thread, seed_texts; "
        f"print(build_thread({COMMENTS}, seed_texts()).slug)"
    )
    result = subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return result.stdout.strip().splitlines()[-1]


def measure_reads(wrk: str, bases: list[str], slug: str) -> list[tuple]:
    reader = Visitor()
    reader.get(f"{bases[0]}/posts/{slug}/")
    cookies = "; ".join(f"{cookie.name}={cookie.value}" for cookie in reader.cookies)
    etag = reader.head_etag(f"{bases[0]}/posts/{slug}/")
    runs = [
        ("hello world (/robots.txt)", "/robots.txt", []),
        ("thread, first visit", f"/posts/{slug}/", []),
        ("thread, revalidated (304)", f"/posts/{slug}/", [f"Cookie: {cookies}", f"If-None-Match: {etag}"]),
    ]
    results = []
    for label, path, headers in runs:
        outputs = [None] * len(bases)

        def one(index, base):
            command = [wrk, "-t1", "-c4", f"-d{SECONDS}s", "--latency"]
            for header in headers:
                command += ["-H", header]
            outputs[index] = subprocess.run([*command, base + path], check=True, capture_output=True, text=True).stdout

        threads = [threading.Thread(target=one, args=(index, base)) for index, base in enumerate(bases)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        rate = sum(float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)) for output in outputs)
        p50 = re.search(r"50%\s+(\S+)", outputs[0]).group(1)
        p99 = re.search(r"99%\s+(\S+)", outputs[0]).group(1)
        errors = [
            line.strip()
            for output in outputs
            for line in output.splitlines()
            if "Non-2xx" in line or "Socket errors" in line
        ]
        if errors and "If-None-Match" not in " ".join(headers):
            print(f"  {label}: {errors}")
        results.append((label, rate, p50, p99))
    return results


def measure_posting(bases: list[str], slug: str) -> dict:
    accepted, latencies, other = [], [], {}
    lock = threading.Lock()
    stopping = threading.Event()

    def poster(number: int) -> None:
        rng = random.Random(number)
        visitor = Visitor()
        count = 0
        while not stopping.is_set():
            count += 1
            base = bases[count % 2]
            text = f"Load comment [p{number}-c{count}]"
            with lock:
                parent = rng.choice(accepted)[0] if accepted and rng.random() < 0.5 else None
            started = time.monotonic()
            answer = visitor.post_comment(base, slug, text, parent=parent)
            elapsed = time.monotonic() - started
            visitor.forget(DEVICE_COOKIE)  # the next post is another person's
            with lock:
                latencies.append(elapsed)
                if answer.status == 302 and answer.comment_id:
                    accepted.append((answer.comment_id, text))
                else:
                    other[answer.status] = other.get(answer.status, 0) + 1

    threads = [threading.Thread(target=poster, args=(number,)) for number in range(POSTERS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(SECONDS)
    stopping.set()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - started
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "accepted": accepted,
        "rate": len(accepted) / seconds,
        "seconds": seconds,
        "p50": cuts[49] * 1000,
        "p99": cuts[98] * 1000,
        "other": other,
    }


def measure_limit(bases: list[str], slug: str) -> dict:
    browser = Visitor()
    statuses = [browser.post_comment(bases[n % 2], slug, f"Limit test {n}").status for n in range(PER_POSTER_LIMIT + 4)]
    return {"accepted": statuses.count(302), "refused": statuses.count(429)}


def verify(slug: str, accepted: list[tuple[int, str]]) -> tuple[list, int, int]:
    """Acknowledged comments missing or with other words, and tree rows that differ from a rebuild."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum.settings")
    import django

    django.setup()
    from forum.models import Comment
    from tests.trees import TREE_FIELDS, rows_differing_from_rebuild

    rows = list(Comment.objects.filter(post__slug=slug).values_list(*TREE_FIELDS))
    texts = dict(Comment.objects.filter(post__slug=slug).values_list("pk", "text"))
    lost = [text for pk, text in accepted if re.search(r"\[p\d+-c\d+\]", text).group() not in texts.get(pk, "")]
    return lost, len(rows_differing_from_rebuild(rows)), len(rows)


if __name__ == "__main__":
    sys.exit(main())
