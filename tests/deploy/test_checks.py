"""Production refuses to start without what it needs, and says what to set, instead of answering 500 later."""

import subprocess

import pytest

from tests.servers import PYTHON, ROOT, production_env


def run(command: list[str], env: dict, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def check_deploy(env: dict) -> subprocess.CompletedProcess:
    return run([PYTHON, "manage.py", "check", "--deploy"], env)


@pytest.fixture
def collected(collected_static):
    return collected_static


def test_a_complete_production_configuration_passes(collected):
    result = check_deploy(production_env(DJANGO_STATIC_ROOT=collected, REDIS_URL="redis://127.0.0.1:6379/0"))
    assert result.returncode == 0, result.stderr
    assert "forum." not in result.stdout + result.stderr


@pytest.mark.parametrize(
    "variable, check, message",
    [
        ("DJANGO_SECRET_KEY", "forum.E001", "DJANGO_SECRET_KEY is not set"),
        ("DJANGO_ALLOWED_HOSTS", "forum.E002", "DJANGO_ALLOWED_HOSTS is not set"),
    ],
)
def test_a_missing_required_variable_is_reported_by_the_deploy_check(collected, variable, check, message):
    env = production_env(DJANGO_STATIC_ROOT=collected)
    del env[variable]
    result = check_deploy(env)
    assert result.returncode != 0
    assert check in result.stderr and message in result.stderr


def test_missing_static_files_are_reported_before_any_page_fails(tmp_path):
    result = check_deploy(production_env(DJANGO_STATIC_ROOT=tmp_path))
    assert result.returncode != 0
    assert "forum.E003" in result.stderr and "collectstatic" in result.stderr


def test_a_per_process_cache_is_a_warning_naming_redis_url(collected):
    result = check_deploy(production_env(DJANGO_STATIC_ROOT=collected, REDIS_URL=""))
    assert result.returncode == 0  # one process may be all a small site runs
    assert "forum.W001" in result.stderr and "REDIS_URL" in result.stderr


def test_gunicorn_refuses_to_start_without_a_secret_key(collected):
    env = production_env(DJANGO_STATIC_ROOT=collected, GUNICORN_BIND="127.0.0.1:0", WEB_CONCURRENCY="1")
    del env["DJANGO_SECRET_KEY"]
    result = run([PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py"], env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
    assert "gunicorn: not starting" in result.stderr


def test_serve_refuses_before_doing_any_work_without_a_secret_key(tmp_path):
    env = production_env(DJANGO_STATIC_ROOT=tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'never.sqlite3'}")
    del env["DJANGO_SECRET_KEY"]
    result = run([PYTHON, "manage.py", "serve"], env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
    assert not (tmp_path / "never.sqlite3").exists()  # nothing migrated
    assert not any(tmp_path.iterdir())  # nothing collected


def test_serve_is_the_production_path_only():
    env = production_env(DJANGO_DEBUG="true")
    result = run([PYTHON, "manage.py", "serve"], env)
    assert result.returncode != 0
    assert "DJANGO_DEBUG=false" in result.stderr
