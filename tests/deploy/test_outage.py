"""A database that stops answering mid-request: a 503 that says so and gives back the typed text, nothing half-written."""

import pytest
from django.db import OperationalError
from django.test import Client

from forum.models import Comment
from forum.services import comments as comment_service
from forum.web.views import posts as views
from tests.factories import make_post


@pytest.fixture
def browser():
    return Client(raise_request_exception=False)


@pytest.mark.django_db
def test_a_comment_posted_while_the_database_is_down_comes_back_to_copy(browser, monkeypatch):
    post = make_post()

    def database_gone(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(comment_service, "comment_post", database_gone)
    text = "My long considered reply <about> the rota & the ward."
    response = browser.post(
        f"/posts/{post.slug}/comments/", {"text": text, "identity": "anonymous", "author_name": "", "website": ""}
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "not answering" in html and "nothing was saved" in html
    assert "Try the page again" not in html  # the form's address answers only a post
    assert "My long considered reply &lt;about&gt; the rota &amp; the ward." in html  # escaped, in a textarea
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_a_page_read_while_the_database_is_down_is_a_503_without_a_form(browser, monkeypatch):
    post = make_post()

    def database_gone(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(views, "render_post", database_gone)
    response = browser.get(f"/posts/{post.slug}/")
    assert response.status_code == 503
    html = response.content.decode()
    assert "<textarea" not in html
    assert f'<a href="/posts/{post.slug}/">Try the page again</a>' in html


@pytest.mark.django_db
def test_other_errors_keep_the_plain_500_page(browser, monkeypatch):
    post = make_post()

    def bug(*args, **kwargs):
        raise ZeroDivisionError

    monkeypatch.setattr(views, "render_post", bug)
    response = browser.get(f"/posts/{post.slug}/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


@pytest.mark.django_db
def test_a_read_only_database_is_an_outage_with_the_text_kept(browser, monkeypatch):
    """PostgreSQL refuses writes on a standby or a primary set read-only with an InternalError (SQLSTATE 25006)."""
    from django.db import InternalError

    class ReadOnlySqlTransaction(Exception):
        sqlstate = "25006"

    def read_only(**kwargs):
        try:
            raise ReadOnlySqlTransaction("cannot execute INSERT in a read-only transaction")
        except ReadOnlySqlTransaction as cause:
            raise InternalError("cannot execute INSERT in a read-only transaction") from cause

    monkeypatch.setattr(comment_service, "comment_post", read_only)
    post = make_post()
    response = browser.post(f"/posts/{post.slug}/comments/", {"text": "Kept for later", "identity": "anonymous"})
    assert response.status_code == 503 and "Kept for later" in response.content.decode()
