"""No database answering and no replica: a thread page kept in the shared cache is still served to readers
without an account, saying posting is paused; nothing else is, and words erased are never in a kept copy (issue 26)."""

import contextlib

import pytest
from django.db import OperationalError, connection
from django.test import Client

from forum.services.comments import comment_remove_by_author
from tests.factories import make_comment, make_member, make_post

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def database_gone():
    """Every query fails as it does when the server is down or unreachable."""

    def refuse(execute, sql, params, many, context):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    with connection.execute_wrapper(refuse):
        yield


@pytest.fixture
def reader():
    return Client(raise_request_exception=False)


def test_a_kept_thread_page_is_served_while_no_database_answers(reader):
    post = make_post(title="The rota")
    make_comment(post=post, text="Kept in the cache")
    assert reader.get(f"/posts/{post.slug}/").status_code == 200  # builds and keeps the shared page

    with database_gone():
        stranger = Client(raise_request_exception=False)
        response = stranger.get(f"/posts/{post.slug}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "Kept in the cache" in html
    assert "Posting is paused for a few minutes" in html
    assert "\x1e" not in html  # every slot filled
    assert 'name="csrfmiddlewaretoken" value="' in html and "csrftoken" in response.cookies

    with database_gone():
        other_page = stranger.get(f"/posts/{post.slug}/?sort=newest")
        home = stranger.get("/")
    assert other_page.status_code == 503  # never kept: nothing to serve
    assert home.status_code == 503


def test_a_member_is_not_given_the_shared_copy(reader):
    post = make_post()
    make_comment(post=post, text="Kept in the cache")
    reader.get(f"/posts/{post.slug}/")
    member = Client(raise_request_exception=False)
    member.force_login(make_member("reader"))
    with database_gone():
        response = member.get(f"/posts/{post.slug}/")
    assert response.status_code == 503


def test_words_erased_are_not_in_the_copy_served_without_a_database(reader):
    post = make_post()
    comment = make_comment(post=post, text="Take this down please")
    reader.get(f"/posts/{post.slug}/")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda callback, **kwargs: callback())
        comment_remove_by_author(comment=comment)

    with database_gone():
        response = Client(raise_request_exception=False).get(f"/posts/{post.slug}/")
    assert response.status_code == 503
    assert "Take this down please" not in response.content.decode()
