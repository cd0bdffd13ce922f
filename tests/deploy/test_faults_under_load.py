"""`make faulttest`'s scenario, shortened, on every PostgreSQL run: the production stack under readers and
posters while Redis, then the primary, is stopped and a gunicorn worker is killed.

tests/faulttest.py starts its own primary, replica, Redis, gunicorns and worker, and exits non-zero when
an acknowledged comment was lost, the reply tree is off, a refused form lost its text, readers got
under 99% 200s while a part was away, or posting did not come back by itself. Five-second faults
instead of twenty keep it to about a minute; `make faulttest` gives the figures.
"""

import os
import subprocess

import pytest

from tests.servers import PYTHON, ROOT

pytestmark = pytest.mark.postgres_server


def test_the_site_keeps_serving_and_loses_nothing_while_its_parts_fail():
    env = {**os.environ, "FAULTTEST_SECONDS": "5", "FAULTTEST_COMMENTS": "40"}
    finished = subprocess.run(
        [PYTHON, "tests/faulttest.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    report = finished.stdout
    for period in ("Redis stopped", "primary stopped", "worker killed"):
        assert period in report  # each fault really happened, with readers and posters at it
    assert "refused, text kept" in report  # posting paused while a part was away, and gave the text back
    assert report.rstrip().endswith("OK")
