"""The site's periodic jobs and the loop that runs them: `manage.py run_worker`.

Each job has a row in ScheduledJob saying when it is next due. A worker claims
a due row (SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite's write lock
queues the claims) and moves its next run on before running it, so two workers
never run the same job at once, and a restarted worker keeps the schedule.
The jobs themselves are safe to overlap anyway: reply emails are claimed row by
row (forum.services.notifications), purges are idempotent.

A job that fails is tried again after a short, growing delay (retry_delay), not a
whole period. The loop survives the database going away (it waits and
reconnects) and stops between jobs on SIGTERM or SIGINT.
"""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.utils import timezone

from forum.models import ScheduledJob
from forum.ops import retention
from forum.services import notifications

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: Callable[[], str]


def _send_notifications() -> str:
    sent = notifications.send_pending_notifications()
    return f"Sent {sent} notification email{'' if sent == 1 else 's'}."


JOBS = (
    Job("send_notifications", timedelta(minutes=1), _send_notifications),
    Job("purge_ip_addresses", timedelta(days=1), retention.ip_addresses_purge),
    Job("delete_expired_sessions", timedelta(days=1), retention.expired_sessions_delete),
)
# The most the loop waits for a database that went away.
MAX_BACKOFF_SECONDS = 30.0
# A failed job is tried again after 30 s, then 1, 2, 4… minutes, never later than 15 minutes or its period.
RETRY_FIRST_SECONDS = 30
RETRY_MOST_SECONDS = 15 * 60


def retry_delay(job: Job, failures: int) -> timedelta:
    """How long after its `failures`-th failure in a row a job is tried again."""
    seconds = min(RETRY_FIRST_SECONDS * 2 ** max(0, failures - 1), RETRY_MOST_SECONDS)
    return min(timedelta(seconds=seconds), job.every)


def schedule_jobs(jobs=None) -> None:
    """A row for each job that has none yet, due now (two workers starting at once both may try)."""
    jobs = JOBS if jobs is None else jobs
    now = timezone.now()
    ScheduledJob.objects.bulk_create(
        [ScheduledJob(name=job.name, next_run_at=now) for job in jobs], ignore_conflicts=True
    )


def claim(job: Job) -> bool:
    """Take a due job for this worker: True when it is ours to run now.

    Its next run is set as if this one will fail (a short retry): a worker killed, or a
    database lost, mid-job then delays it by that, not a whole period; success sets the period.
    """
    now = timezone.now()
    with transaction.atomic():
        row = (
            ScheduledJob.objects.select_for_update(skip_locked=True).filter(name=job.name, next_run_at__lte=now).first()
        )
        if row is None:
            return False
        row.next_run_at = now + retry_delay(job, row.failures + 1)
        row.last_started_at = now
        row.save(update_fields=["next_run_at", "last_started_at"])
    return True


def run_due_jobs(jobs=None, *, stopping: threading.Event | None = None) -> list[str]:
    """Run every job that is due and not claimed elsewhere; returns one line per job run."""
    jobs = JOBS if jobs is None else jobs
    ran = []
    for job in jobs:
        if stopping is not None and stopping.is_set():
            break
        if not claim(job):
            continue
        try:
            outcome = job.run()
        except DatabaseError:
            logger.exception("Job %s failed: the database does not answer; it is tried again shortly.", job.name)
            raise  # the loop waits for the database; the claim already set the short retry
        except Exception as error:
            logger.exception("Job %s failed; it is tried again shortly.", job.name)
            ran.append(f"{job.name}: {_failed(job, error)}")
            continue
        now = timezone.now()
        ScheduledJob.objects.filter(name=job.name).update(
            last_finished_at=now, last_outcome=outcome[:200], failures=0, next_run_at=now + job.every
        )
        ran.append(f"{job.name}: {outcome}")
    return ran


def _failed(job: Job, error: Exception) -> str:
    row = ScheduledJob.objects.get(name=job.name)
    row.failures += 1
    delay = retry_delay(job, row.failures)
    row.next_run_at = timezone.now() + delay
    row.last_finished_at = timezone.now()
    row.last_outcome = f"failed: {type(error).__name__}; again in {int(delay.total_seconds())} s"[:200]
    row.save(update_fields=["failures", "next_run_at", "last_finished_at", "last_outcome"])
    return row.last_outcome


def run_forever(stopping: threading.Event, *, report=logger.info, jobs=None) -> None:
    """Run due jobs until `stopping` is set, waiting out database outages."""
    backoff = 1.0
    scheduled = False
    while not stopping.is_set():
        try:
            if not scheduled:
                schedule_jobs(jobs)
                scheduled = True
            for line in run_due_jobs(jobs, stopping=stopping):
                report(line)
            backoff = 1.0
            stopping.wait(settings.FORUM_WORKER_POLL_SECONDS)
        except DatabaseError as error:
            report(f"The database does not answer ({type(error).__name__}); trying again in {backoff:.0f} s.")
            connections.close_all()  # a fresh connection next time, not the broken one
            stopping.wait(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
    connections.close_all()
