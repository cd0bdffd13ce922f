"""Benchmark `import_blogger` on a generated Takeout archive: `make bench` (or `python tests/bench_import.py`).

Writes a feed.atom of 2,000 posts and 100,000 comments (about 100 MB: threads
up to six deep, anonymous / named / profile authors, deleted comments, time
references) and a tenth of it, then imports each into an empty database in a
child process, reporting comments per second and the child's peak memory.
Side by side, in the same run, the baseline: the same child only reading the
file (the XML parse every import must do), so the ratio holds on a busy machine.
Peak memory for the small and the large file shows whether it stays bounded.

SQLite in a throwaway file by default; PostgreSQL with DATABASE_URL
(`python tests/with_services.py --postgres -- .venv/bin/python tests/bench_import.py`).
Figures, not assertions.
"""

import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
BLOG = "tag:blogger.com,1999:blog-7418529630741852963"
WORDS = (
    "probation officers caseloads reunification evidence inspection report management targets "
    "supervision risk assessment court community sentence practice staff morale training policy"
).split()


def write_archive(path: Path, *, posts: int, comments_per_post: int, seed: int = 1) -> None:
    """A Takeout feed.atom, written as it is generated (never whole in memory); comments before posts, as Takeout does."""
    rng = random.Random(seed)
    start = datetime(2010, 1, 1, 9, tzinfo=UTC)
    with path.open("w", encoding="utf-8") as out:
        out.write("<?xml version='1.0' encoding='utf-8'?>\n")
        out.write(
            f"<feed xmlns='http://www.w3.org/2005/Atom' xmlns:blogger='http://schemas.google.com/blogger/2018'>\n<id>{BLOG}</id>\n"
        )
        comment_number = 10**15
        for number in range(posts):
            post_id = 10**17 + number
            published = start + timedelta(days=number)
            thread: list[tuple[int, datetime, int]] = []  # (id, time, depth)
            for index in range(comments_per_post):
                comment_number += 1
                moment = published + timedelta(
                    minutes=7 * (index + 1), seconds=rng.randrange(60), milliseconds=rng.randrange(1000)
                )
                parent = rng.choice(thread) if thread and rng.random() < 0.6 else None
                if parent and parent[2] >= 5:
                    parent = None
                status = "GHOSTED_COMMENT" if rng.random() < 0.02 else "LIVE"
                kind = rng.random()
                name, uri, author_type = "", "", "ANONYMOUS"
                if kind > 0.9:
                    name, uri, author_type = (
                        f"Blogger {rng.randrange(500)}",
                        f"https://www.blogger.com/profile/{rng.randrange(10**6)}",
                        "BLOGGER",
                    )
                elif kind > 0.6:
                    name = f"Reader {rng.randrange(2000)}"
                words = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(25, 70)))
                if thread and rng.random() < 0.3:
                    named = rng.choice(thread)[1]
                    words = f"@anon {named:%H:%M} {words}"
                text = "" if status != "LIVE" else escape(words.replace(" staff ", " staff<br /><br />"))
                out.write(
                    f"<entry><id>{BLOG}.post-{comment_number}</id>"
                    f"<blogger:parent>{BLOG}.post-{post_id}</blogger:parent>"
                    f"<blogger:inReplyTo>{f'{BLOG}.post-{parent[0]}' if parent else ''}</blogger:inReplyTo>"
                    f"<blogger:type>COMMENT</blogger:type><blogger:status>{status}</blogger:status>"
                    f"<author><name>{escape(name)}</name>{f'<uri>{uri}</uri>' if uri else ''}<blogger:type>{author_type}</blogger:type></author>"
                    f"<content type='html'>{escape(text)}</content>"
                    f"<published>{moment.isoformat(timespec='milliseconds').replace('+00:00', 'Z')}</published>"
                    "<blogger:trashed/></entry>\n"
                )
                thread.append((comment_number, moment, parent[2] + 1 if parent else 0))
            body = "".join(f"<p>{' '.join(rng.choice(WORDS) for _ in range(60))}</p>" for _ in range(6))
            out.write(
                f"<entry><id>{BLOG}.post-{post_id}</id><blogger:type>POST</blogger:type><blogger:status>LIVE</blogger:status>"
                "<author><name>Jim Brown</name><uri>https://www.blogger.com/profile/111</uri><blogger:type>BLOGGER</blogger:type></author>"
                f"<title>Post number {number}</title><content type='html'>{escape(body)}</content>"
                f"<published>{published.isoformat().replace('+00:00', 'Z')}</published>"
                f"<category scheme='{BLOG}' term='Label {number % 40}'/>"
                f"<blogger:filename>/{published:%Y/%m}/post-number-{number}.html</blogger:filename><blogger:trashed/></entry>\n"
            )
        out.write("</feed>\n")


def measured(command: list[str], env: dict) -> tuple[float, int, str]:
    """Run a child; return its wall time, its peak resident memory (MB) and its output."""
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "started = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "elapsed = time.perf_counter() - started\n"
        "sys.stdout.write(done.stdout + done.stderr)\n"
        "print(f'@@ {elapsed} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}')\n"
        "sys.exit(done.returncode)\n"
    )
    done = subprocess.run([sys.executable, "-c", wrapper, *command], capture_output=True, text=True, env=env, cwd=ROOT)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    output, _, figures = done.stdout.rpartition("@@ ")
    seconds, peak_kb = figures.split()
    return float(seconds), int(peak_kb) // 1024, output


PARSE_ONLY = (
    "import sys; from pathlib import Path; sys.path.insert(0, '.');"
    "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'forum.settings'); import django; django.setup();"
    "from forum.archives.blogger import read_blogger;"
    "print(sum(1 for _ in read_blogger(Path(sys.argv[1]))))"
)


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="forum-bench-import-"))
    env = dict(os.environ)
    if "DATABASE_URL" not in env:
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], check=True, env=env, cwd=ROOT)
    database = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    print(f"database: {database}; archives generated in {workdir}")
    # BENCH_IMPORT_POSTS=200 runs the small archive alone (10,000 comments).
    sizes = [int(posts) for posts in os.environ.get("BENCH_IMPORT_POSTS", "200,2000").split(",")]
    for posts, per_post in ((posts, 50) for posts in sizes):
        archive = workdir / f"feed-{posts}.atom"
        write_archive(archive, posts=posts, comments_per_post=per_post)
        comments = posts * per_post
        size = archive.stat().st_size / 1e6
        subprocess.run([*manage, "flush", "--noinput"], check=True, env=env, cwd=ROOT)
        parse_seconds, parse_peak, _ = measured([sys.executable, "-c", PARSE_ONLY, str(archive)], env)
        import_seconds, import_peak, output = measured([*manage, "import_blogger", str(archive)], env)
        again_seconds, _, _ = measured([*manage, "import_blogger", str(archive)], env)
        summary = next(line for line in output.splitlines() if line.startswith("Comments:"))
        print(
            f"{posts:>6,} posts {comments:>8,} comments {size:6.1f} MB | "
            f"import {import_seconds:6.1f} s = {comments / import_seconds:6,.0f} comments/s, peak {import_peak} MB | "
            f"read only {parse_seconds:5.1f} s, peak {parse_peak} MB | import / read {import_seconds / parse_seconds:4.1f}x | "
            f"again (nothing new) {again_seconds:5.1f} s"
        )
        print(f"    {summary}")
        archive.unlink()


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"total {time.perf_counter() - started:.0f} s")
