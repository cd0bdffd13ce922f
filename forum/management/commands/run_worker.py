import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from forum.ops import jobs
from forum.ops.checks import refuse_to_start_unless_ready


class Command(BaseCommand):
    help = (
        "Run the periodic jobs (reply emails every minute, IP purge and expired sessions daily) until stopped. "
        "Any number of workers may run; each job runs in one at a time. SIGTERM or Ctrl-C stops it between jobs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run the jobs that are due, then exit.")

    def handle(self, *args, once=False, **options):
        if not settings.DEBUG:
            refuse_to_start_unless_ready("run_worker", serves_pages=False)
        if once:
            jobs.schedule_jobs()
            for line in jobs.run_due_jobs():
                self.stdout.write(line)
            return
        stopping = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stopping.set())
        self.stdout.write(f"Worker started: {', '.join(job.name for job in jobs.JOBS)}.")
        self.stdout.flush()
        jobs.run_forever(stopping, report=self._report)
        self.stdout.write("Worker stopped.")

    def _report(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
