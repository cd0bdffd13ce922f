"""When each periodic job (forum.ops.jobs) is next due."""

from django.db import models


class ScheduledJob(models.Model):
    """When a periodic job (forum.ops.jobs) is next due, claimed by one worker at a time; the last run's outcome."""

    name = models.CharField(max_length=50, primary_key=True)
    next_run_at = models.DateTimeField()
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_outcome = models.CharField(max_length=200, blank=True)
    # Runs that failed in a row: the next try waits a short, growing delay (forum.ops.jobs.retry_delay).
    failures = models.PositiveIntegerField(default=0)

    def __str__(self):
        return self.name


class HealthProbe(models.Model):
    """One row `/healthz` writes to (forum.ops.health): a database that is read-only, a standby or out of disk
    refuses the write, so load balancers can keep posters away while readers are still served."""

    checked_at = models.DateTimeField()
