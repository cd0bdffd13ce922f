"""The database restarts while people post: they get a clean 503 with their text, the site recovers by
itself, and every comment that was acknowledged is there, in a correct tree.

PostgreSQL run only: tests/with_services.py gives the commands that stop and
start its primary. Two gunicorn workers serve four posters; the background
worker runs throughout.
"""

import json
import os
import re
import signal
import subprocess
import threading
import time

import pytest
from django.db import connection, connections
from django.utils import timezone

from forum.models import Comment, PostFollow, ScheduledJob
from tests.factories import make_member, make_post
from tests.servers import PYTHON, ROOT, Visitor, database_url, gunicorn, production_env
from tests.trees import TREE_FIELDS, rows_differing_from_rebuild

pytestmark = [pytest.mark.postgres_server, pytest.mark.django_db(transaction=True)]
POSTERS = 4


def pg_command(name: str) -> list[str]:
    command = os.environ.get(name)
    if not command:
        pytest.skip("run through tests/with_services.py --postgres, which can stop and start the server")
    return json.loads(command)


class Poster(threading.Thread):
    """Posts numbered comments until told to stop, noting when each answer came and what it was."""

    def __init__(self, number: int, base: str, slug: str, stopping: threading.Event):
        super().__init__()
        self.number, self.base, self.slug, self.stopping = number, base, slug, stopping
        self.answers = []  # (sent at, text, Answer)

    def run(self):
        visitor = Visitor(timeout=20)
        count = 0
        while not self.stopping.is_set():
            count += 1
            text = f"Posted through the restart [p{self.number}-c{count}]"
            sent_at = time.monotonic()
            try:
                answer = visitor.post_comment(self.base, self.slug, text)
            except OSError as error:  # a dropped connection would be a failure: recorded, not raised
                answer = error
            self.answers.append((sent_at, text, answer))
            time.sleep(0.02)


def test_posting_through_a_database_restart_loses_nothing_acknowledged(collected_static):
    stop_database, start_database = pg_command("FORUM_TEST_PG_STOP"), pg_command("FORUM_TEST_PG_START")
    post = make_post()
    PostFollow.objects.create(user=make_member("Follower"), post=post)
    env = production_env(
        DATABASE_URL=database_url(connection.settings_dict),
        DJANGO_STATIC_ROOT=collected_static,
        FORUM_COMMENTS_PER_IP=100_000,
        FORUM_COMMENTS_PER_POSTER=100_000,
        FORUM_NOTIFICATION_DELAY_MINUTES=0,
        FORUM_WORKER_POLL_SECONDS=0.3,
    )
    worker = subprocess.Popen(
        [PYTHON, "manage.py", "run_worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    worker_output = []
    reader = threading.Thread(target=lambda: worker_output.extend(worker.stdout), daemon=True)
    reader.start()
    stopping = threading.Event()
    try:
        with gunicorn(env, workers=2) as base:
            posters = [Poster(number, base, post.slug, stopping) for number in range(POSTERS)]
            for poster in posters:
                poster.start()
            time.sleep(1.5)
            connections.close_all()  # this process's own connection dies with the server
            subprocess.run(stop_database, check=True, stdout=subprocess.DEVNULL)
            down_at = time.monotonic()
            time.sleep(2.5)
            subprocess.run(start_database, check=True, stdout=subprocess.DEVNULL)
            up_at = time.monotonic()
            time.sleep(3)
            stopping.set()
            for poster in posters:
                poster.join(timeout=60)
        # The worker noticed, waited, and works again: it runs a job made due now.
        ScheduledJob.objects.filter(name="send_notifications").update(next_run_at=timezone.now())
        deadline = time.monotonic() + 20
        while not ScheduledJob.objects.filter(
            name="send_notifications", last_finished_at__gt=timezone.now() - timezone.timedelta(seconds=5)
        ).exists():
            assert time.monotonic() < deadline, "the worker did not run a job after the restart"
            time.sleep(0.2)
        assert worker.poll() is None, "the worker died with the database"
    finally:
        stopping.set()
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    assert worker.returncode == 0
    assert any("The database does not answer" in line for line in worker_output)

    answers = [answer for poster in posters for answer in poster.answers]
    dropped = [(text, answer) for _, text, answer in answers if isinstance(answer, Exception)]
    assert not dropped, dropped[:3]
    statuses = {answer.status for _, _, answer in answers}
    assert statuses <= {302, 503}, statuses  # never a 500, never a hang
    failed = [(text, answer) for _, text, answer in answers if answer.status == 503]
    assert failed, "no post reached the server while the database was down"
    for text, answer in failed:
        assert "not answering" in answer.body
        assert text in answer.body  # the typed text, to copy
    recovered = [answer.status for sent_at, _, answer in answers if sent_at > up_at + 1]
    assert recovered and set(recovered) == {302}, "the site did not recover by itself"

    # Every acknowledged comment is stored with its words; nothing refused was half-written.
    stored = dict(Comment.objects.filter(post=post).values_list("pk", "text"))
    for text, answer in [(text, answer) for _, text, answer in answers if answer.status == 302]:
        marker = re.search(r"\[p\d+-c\d+\]", text).group()
        assert marker in stored.get(answer.comment_id, ""), f"acknowledged but lost: {text}"
    markers_stored = {re.search(r"\[p\d+-c\d+\]", html).group() for html in stored.values()}
    for text, _ in failed:
        assert re.search(r"\[p\d+-c\d+\]", text).group() not in markers_stored
    assert len(stored) == sum(1 for _, _, answer in answers if answer.status == 302)

    assert not rows_differing_from_rebuild(list(Comment.objects.filter(post=post).values_list(*TREE_FIELDS)))
    print(f"{len(answers)} posts: {len(answers) - len(failed)} stored, {len(failed)} refused with 503 "
          f"during {up_at - down_at:.1f} s down")  # fmt: skip
