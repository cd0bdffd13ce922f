"""The production processes on one machine: `make serve` (DJANGO_DEBUG=false manage.py serve).

Checks the settings production needs, collects static files, migrates, then runs
gunicorn (gunicorn.conf.py) and one background worker (run_worker) side by side
until either stops or this process is told to (SIGTERM, SIGINT), and stops both.
Across several machines, run those two processes under your own supervisor instead
(README, "Deploy").
"""

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from forum.ops.checks import refuse_to_start_unless_ready


class Command(BaseCommand):
    help = "Collect static files, migrate, and run gunicorn and the background worker (production, one machine)."
    requires_system_checks = []  # checked below, without static files: collectstatic has not run yet

    def add_arguments(self, parser):
        parser.add_argument("--no-worker", action="store_true", help="Run gunicorn only (the worker runs elsewhere).")

    def handle(self, *args, no_worker=False, **options):
        if settings.DEBUG:
            raise CommandError("serve is the production path: run it with DJANGO_DEBUG=false (`make serve` does).")
        refuse_to_start_unless_ready("serve", serves_pages=False)  # no key or hosts: stop before any work
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("migrate", interactive=False, verbosity=1)
        # gunicorn checks again at start-up (gunicorn.conf.py), static files included.
        commands = {"gunicorn": [sys.executable, "-m", "gunicorn", "-c", str(settings.BASE_DIR / "gunicorn.conf.py")]}
        if not no_worker:
            commands["worker"] = [sys.executable, str(settings.BASE_DIR / "manage.py"), "run_worker"]
        processes = {name: subprocess.Popen(command, cwd=settings.BASE_DIR) for name, command in commands.items()}
        stopping = []
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda signum, frame: stopping.append(signum))
        try:
            while not stopping and all(process.poll() is None for process in processes.values()):
                time.sleep(0.5)
        finally:
            for process in processes.values():
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes.values():
                try:
                    process.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    process.kill()
        if not stopping:  # one of them stopped on its own: a supervisor should restart the pair
            exited = ", ".join(
                f"{name} (exit {process.returncode})"
                for name, process in processes.items()
                if process.returncode is not None
            )
            raise CommandError(f"stopped because a process exited: {exited}")
