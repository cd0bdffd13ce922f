"""Anonymous readers read from a streaming replica; writers, members and whoever just wrote read from the primary.

Runs in the PostgreSQL run, where tests/with_services.py starts a real standby
(pg_basebackup -R) beside the primary. Other tests see the replica as a mirror
of the primary; these point it at the standby and pause its replay, so what a
page shows proves which server it was read from.
"""

import time

import pytest
from django.db import connections
from django.test import Client

from forum.ops import replicas
from tests.factories import make_member, make_post, post_comment

pytestmark = [pytest.mark.postgres_server, pytest.mark.django_db(transaction=True, databases=["default", "replica"])]


@pytest.fixture
def standby(settings, monkeypatch):
    """The `replica` connection pointed at the real standby, for this test."""
    if "replica" not in settings.DATABASES:
        pytest.skip("no replica: run through tests/with_services.py --postgres --replica")
    address = {key: settings.DATABASES["replica"][key] for key in ("HOST", "PORT")}
    connection = connections["replica"]
    mirrored = connection.settings_dict
    at_standby = {**mirrored, **address}
    connection.close()
    connection.settings_dict = at_standby
    monkeypatch.setattr(replicas, "_unreachable_until", {})
    yield connection
    connection.close()
    connection.settings_dict = at_standby  # a test may have pointed it elsewhere
    resume(connection)
    connection.close()
    connection.settings_dict = mirrored


def run(connection, sql: str, params=()) -> object:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0] if cursor.description else None


def caught_up(standby) -> None:
    """Wait until the standby has replayed everything the primary has committed."""
    # The insert position: the test cluster commits asynchronously, so the write position may not hold the commit yet.
    position = run(connections["default"], "SELECT pg_current_wal_insert_lsn()::text")
    deadline = time.monotonic() + 30
    while not run(standby, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [position]):
        assert time.monotonic() < deadline, "the standby did not catch up in 30 s"
        time.sleep(0.05)


def pause(standby) -> None:
    run(standby, "SELECT pg_wal_replay_pause()")
    while run(standby, "SELECT pg_get_wal_replay_pause_state()") != "paused":
        time.sleep(0.02)


def resume(standby) -> None:
    run(standby, "SELECT pg_wal_replay_resume()")


def test_a_comment_posted_through_the_primary_is_read_through_the_replica(standby):
    post = make_post(title="Rota Trouble")
    caught_up(standby)
    reader, poster = Client(), Client()
    assert "Rota Trouble" in reader.get(post.get_absolute_url()).content.decode()

    pause(standby)
    response = post_comment(poster, post, text="Written while the replica was paused")
    assert response.status_code == 302
    assert response.cookies[replicas.PRIMARY_COOKIE]["max-age"] == 30

    # The reader reads the standby, which has not replayed the comment yet ...
    assert "Written while the replica was paused" not in reader.get(post.get_absolute_url()).content.decode()
    # ... while the poster, who has just written, reads the primary and sees it.
    assert "Written while the replica was paused" in poster.get(post.get_absolute_url()).content.decode()

    resume(standby)
    caught_up(standby)
    assert "Written while the replica was paused" in reader.get(post.get_absolute_url()).content.decode()


def test_members_read_from_the_primary(standby):
    post = make_post()
    member = Client()
    member.force_login(make_member("Asterix"))
    caught_up(standby)
    pause(standby)
    post_comment(Client(), post, text="Fresh words from another reader")
    assert "Fresh words from another reader" in member.get(post.get_absolute_url()).content.decode()
    assert "Fresh words from another reader" not in Client().get(post.get_absolute_url()).content.decode()


def test_readers_go_to_the_primary_while_the_replica_is_unreachable(standby):
    post = make_post()
    post_comment(Client(), post, text="Words on the primary")
    standby.close()
    standby.settings_dict = {**standby.settings_dict, "PORT": 9}  # nothing listens there
    response = Client().get(post.get_absolute_url())
    assert response.status_code == 200
    assert "Words on the primary" in response.content.decode()


def test_with_the_primary_away_everyone_reads_from_the_replica_and_posting_pauses(standby, monkeypatch):
    """Primary down = read-only, not down (issue 26): members and readers read the standby, with a banner;
    a form gives the typed text back; nothing is written on a GET; back to normal when the primary returns."""
    from django.db import OperationalError

    from forum.lib import primary
    from forum.models import SiteSettings
    from moderation.models import ModerationSettings

    SiteSettings.current(), ModerationSettings.current()  # made on the first read ever (a flush emptied them)
    post = make_post(title="A read-only afternoon")
    member = Client(raise_request_exception=False)
    member.force_login(make_member("Asterix"))
    reader = Client(raise_request_exception=False)
    caught_up(standby)

    def primary_gone(*args, **kwargs):
        raise OperationalError("connection to server on socket failed: Connection refused")

    monkeypatch.setattr(connections["default"], "ensure_connection", primary_gone)
    monkeypatch.setattr(connections["default"], "close_if_health_check_failed", lambda: None)
    for browser in (member, reader):
        page = browser.get(post.get_absolute_url())
        assert page.status_code == 200
        assert "A read-only afternoon" in page.content.decode()
        assert "Posting is paused for a few minutes" in page.content.decode()
    refused = post_comment(member, post, text="Typed while the primary was away")
    assert refused.status_code == 503 and "Typed while the primary was away" in refused.content.decode()

    monkeypatch.undo()
    primary.note_back()  # what AWAY_SECONDS later brings by itself
    page = member.get(post.get_absolute_url()).content.decode()
    assert "Posting is paused" not in page
    assert post_comment(member, post, text="Sent once it was back").status_code == 302
