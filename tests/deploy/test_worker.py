"""`manage.py run_worker`: periodic jobs without cron, each run by one worker at a time, stopped cleanly."""

import signal
import subprocess
import threading
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections

from forum.models import Comment, PostFollow, ScheduledJob
from forum.ops import jobs
from forum.services.notifications import send_pending_notifications
from tests.factories import make_comment, make_member, make_post
from tests.servers import PYTHON, ROOT, database_url, production_env


@pytest.fixture
def no_delay(settings):
    settings.FORUM_NOTIFICATION_DELAY_MINUTES = 0


def followers_of(post, count: int) -> list:
    members = [make_member(f"Reader{number}") for number in range(count)]
    PostFollow.objects.bulk_create([PostFollow(user=member, post=post) for member in members])
    return members


def run_worker_once() -> str:
    output = StringIO()
    call_command("run_worker", "--once", stdout=output)
    return output.getvalue()


@pytest.mark.django_db
def test_one_run_does_every_due_job_and_the_schedule_holds_until_the_next(no_delay):
    post = make_post()
    followers_of(post, 2)
    old = make_comment(post=post, text="An old comment", ip_address="192.0.2.1")
    Comment.objects.filter(pk=old.pk).update(created_at=old.created_at.replace(year=2000))
    make_comment(post=post, text="A new comment to hear about")

    output = run_worker_once()
    assert "send_notifications: Sent 2 notification emails." in output
    assert "purge_ip_addresses: Dropped the IP addresses of 1 comment(s)" in output
    assert "delete_expired_sessions: Deleted 0 expired session(s)." in output
    assert len(mail.outbox) == 2
    jobs_by_name = {row.name: row for row in ScheduledJob.objects.all()}
    assert set(jobs_by_name) == {job.name for job in jobs.JOBS}
    daily = jobs_by_name["purge_ip_addresses"]
    assert (daily.next_run_at - daily.last_started_at).days == 1
    assert daily.last_outcome.startswith("Dropped the IP addresses of 1 comment(s)")

    make_comment(post=post, text="Another comment")
    assert run_worker_once() == ""  # nothing is due again yet: a minute for emails, a day for purges
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_failing_job_is_recorded_and_the_others_still_run(no_delay, monkeypatch):
    def broken():
        raise RuntimeError("the mail server said no")

    monkeypatch.setattr(jobs, "JOBS", (jobs.Job("broken", jobs.JOBS[0].every, broken), *jobs.JOBS[1:]))
    output = run_worker_once()
    assert "broken: failed: RuntimeError" in output
    assert "purge_ip_addresses: Dropped" in output
    assert ScheduledJob.objects.get(name="broken").last_outcome == "failed: RuntimeError; again in 30 s"


@pytest.mark.django_db
def test_a_failing_job_is_retried_after_a_short_growing_delay_not_a_whole_period(monkeypatch, caplog):
    """A daily job that failed once waited a whole day (issue 26)."""
    import time_machine
    from django.utils import timezone

    outcomes = iter([RuntimeError("disk busy"), RuntimeError("disk busy"), "done"])

    def flaky():
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    daily = jobs.Job("flaky_purge", jobs.JOBS[1].every, flaky)
    jobs.schedule_jobs([daily])
    delays = []
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(3):
            jobs.run_due_jobs([daily])
            row = ScheduledJob.objects.get(name="flaky_purge")
            delays.append(round((row.next_run_at - timezone.now()).total_seconds()))
            clock.shift(row.next_run_at - timezone.now())
    assert delays == [30, 60, 24 * 60 * 60]  # 30 s, then 1 minute, then back to its day
    assert ScheduledJob.objects.get(name="flaky_purge").failures == 0
    assert "Job flaky_purge failed" in caplog.text


@pytest.mark.django_db
def test_a_job_whose_database_went_away_mid_run_is_retried_shortly(monkeypatch):
    from django.db import OperationalError
    from django.utils import timezone

    def database_gone():
        raise OperationalError("server closed the connection unexpectedly")

    job = jobs.Job("needs_the_database", jobs.JOBS[1].every, database_gone)
    jobs.schedule_jobs([job])
    with pytest.raises(OperationalError):
        jobs.run_due_jobs([job])
    row = ScheduledJob.objects.get(name="needs_the_database")
    assert (row.next_run_at - timezone.now()).total_seconds() <= 30


def at_once(count: int, work) -> list:
    """Run `work` in `count` threads released together, each on its own database connection."""
    start = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            start.wait(timeout=10)
            results.append(work())
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_never_send_an_email_twice(no_delay):
    post = make_post()
    members = followers_of(post, 12)
    for number in range(3):
        make_comment(post=post, text=f"Comment {number} for the followers")

    sent = at_once(2, send_pending_notifications)

    assert sum(sent) == len(members)
    assert sorted(email.to[0] for email in mail.outbox) == sorted(member.email for member in members)
    assert all("Comment 2 for the followers" in email.body for email in mail.outbox)


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_run_each_due_job_once(no_delay):
    jobs.schedule_jobs()
    runs = at_once(3, jobs.run_due_jobs)
    ran = [line.split(":")[0] for lines in runs for line in lines]
    assert sorted(ran) == sorted(job.name for job in jobs.JOBS)


@pytest.mark.django_db(transaction=True)
def test_the_worker_stops_cleanly_on_sigterm():
    env = production_env(DATABASE_URL=database_url(connection.settings_dict))
    worker = subprocess.Popen(
        [PYTHON, "manage.py", "run_worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = worker.stdout.readline()
        assert first.startswith("Worker started: send_notifications, purge_ip_addresses"), first
        worker.send_signal(signal.SIGTERM)
        output, errors = worker.communicate(timeout=20)
    finally:
        worker.kill()
    assert worker.returncode == 0, errors
    assert output.strip().endswith("Worker stopped.")
