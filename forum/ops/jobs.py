"""The site's periodic jobs and the loop that runs them: `manage.py run_worker`.

Each job has a row in ScheduledJob saying when it is next due. A worker claims
a due row (SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite's write lock
queues the claims) and moves its next run on before running it, so two workers
never run the same job at once, and a restarted worker keeps the schedule.
The jobs themselves are safe to overlap anyway: reply emails are claimed row by
row (forum.services.notifications), purges are idempotent.

The loop survives the database going away (it waits and reconnects) and stops
between jobs on SIGTERM or SIGINT.
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


def schedule_jobs(jobs=None) -> None:
    """A row for each job that has none yet, due now (two workers starting at once both may try)."""
    jobs = JOBS if jobs is None else jobs
    now = timezone.now()
    ScheduledJob.objects.bulk_create(
        [ScheduledJob(name=job.name, next_run_at=now) for job in jobs], ignore_conflicts=True
    )


def claim(job: Job) -> bool:
    """Take a due job for this worker: True when it is ours to run now."""
    now = timezone.now()
    with transaction.atomic():
        row = (
            ScheduledJob.objects.select_for_update(skip_locked=True).filter(name=job.name, next_run_at__lte=now).first()
        )
        if row is None:
            return False
        row.next_run_at = now + job.every
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
            raise  # the loop waits for the database; the job is due again at its next turn
        except Exception as error:
            logger.exception("Job %s failed.", job.name)
            outcome = f"failed: {type(error).__name__}"
        ScheduledJob.objects.filter(name=job.name).update(last_finished_at=timezone.now(), last_outcome=outcome[:200])
        ran.append(f"{job.name}: {outcome}")
    return ran


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
