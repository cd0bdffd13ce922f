"""Every input gets an answer that is not a 500: the inputs that used to break pages, one by one."""

import xml.etree.ElementTree as ElementTree

import pytest
from django.test import Client
from django.urls import reverse

from forum.lib.inputs import page_number, parse_id, parse_ids
from forum.models import Comment, Submission
from tests.factories import make_comment, make_editor, make_moderator, make_post

from .hostile import as_header

pytestmark = pytest.mark.django_db

ODD_NUMBERS = ["0", "-1", "²", "①", "₀₁₂", "1e3", " 2", "999999999999999999999999999999", "0x10", "", "١٢"]


def test_page_numbers_and_ids_are_ascii_digits_within_bounds():
    assert [page_number(value) for value in ("1", "2", "999999")] == [1, 2, 999999]
    assert {page_number(value) for value in ODD_NUMBERS + [None, "1000000"]} == {1}
    assert parse_id("42") == 42 and parse_id("9223372036854775808") is None and parse_id("²") is None
    assert parse_ids(["3", "²", "3", "x", "4"]) == [3, 4]


def test_odd_page_numbers_show_the_first_page(client):
    post = make_post()
    make_comment(post=post, text="Hello")
    for value in ODD_NUMBERS:
        for url in (
            post.get_absolute_url(),
            reverse("forum:search") + "?q=hello&",
            reverse("forum:post_list"),
            reverse("moderation:log"),
        ):
            separator = "&" if "?" in url else "?"
            response = client.get(f"{url}{separator}page={value}")
            assert response.status_code == 200, (url, value)


def test_a_moderators_next_address_must_be_a_path_on_this_site():
    comment = make_comment(text="Hmm")
    client = Client()
    client.force_login(make_moderator())
    own_page = reverse("moderation:comment", args=[comment.pk])
    for next_value, expected in [
        ("login", own_page),  # redirect() would have looked this up as a view name
        ("forum:post_list", own_page),
        ("https://evil.example/", own_page),
        ("//evil.example/", own_page),
        ("/\\evil.example/", own_page),
        ("/moderation/?tab=reported", "/moderation/?tab=reported"),
    ]:
        response = client.post(own_page, {"action": "dismiss_reports", "next": next_value})
        assert response.status_code == 302 and response["Location"] == expected, next_value


def test_odd_ids_in_bulk_actions_are_ignored():
    comment = make_comment(text="Hmm")
    client = Client()
    client.force_login(make_moderator())
    response = client.post(
        reverse("moderation:queue_act"), {"tab": "reported", "bulk": "hide", "selected": ["²", str(comment.pk)]}
    )
    assert response.status_code == 302
    assert Comment.objects.get(pk=comment.pk).state == Comment.State.HIDDEN
    assert client.post(reverse("moderation:queue_act"), {"act": "hide:①"}).status_code == 302


def test_nul_bytes_and_control_characters_get_a_message(client):
    search = client.get(reverse("forum:search"), {"q": "nul\x00byte"})
    assert search.status_code == 400 and "control characters" in search.content.decode()
    assert client.get("/u/nul%00handle/").status_code == 404
    assert client.get("/u/" + "x" * 60_000 + "/").status_code == 404
    login = client.post(reverse("accounts:login"), {"username": "x" * 60_000, "password": "whatever"})
    assert login.status_code == 200 and "Please enter a correct" in login.content.decode()
    piece = client.post(
        reverse("forum:submission_create"), {"title": "Bell\x07", "text": "Words", "credit": "anonymous"}
    )
    assert piece.status_code == 400 and "control characters" in piece.content.decode()
    assert "Words" in piece.content.decode()  # the text is kept
    assert not Submission.objects.exists()


def test_feeds_never_break_on_stored_text(client):
    """Text stored before the check existed (or by a future path) must not break the feed for everyone."""
    post = make_post(title="A title")
    comment = make_comment(post=post, text="Fine words")
    Comment.objects.filter(pk=comment.pk).update(text="Bell\x07 words", html="<p>Bell\x07 words</p>")
    type(post).objects.filter(pk=post.pk).update(title="Escape\x1b title")
    for feed in ("forum:posts_feed", "forum:comments_feed"):
        response = client.get(reverse(feed))
        assert response.status_code == 200
        ElementTree.fromstring(response.content)
    assert "Escape title" in client.get(reverse("forum:posts_feed")).content.decode()


def test_a_malformed_seen_cookie_counts_as_none(client):
    post = make_post()
    make_comment(post=post, text="Hello")
    for value in ("1.²", "①.1", "1.99999999999999999999999", "garbage", "1.2-3.4-..-.5"):
        client.cookies["forum_seen"] = as_header(value)
        assert client.get(post.get_absolute_url()).status_code == 200, value


def test_an_editors_piece_title_with_control_characters_is_refused_in_the_inbox(client):
    client.post(reverse("forum:submission_create"), {"title": "Fine", "text": "Words", "credit": "anonymous"})
    editor = Client()
    editor.force_login(make_editor())
    response = editor.post(
        reverse("forum:submission_detail", args=[Submission.objects.get().pk]),
        {"action": "publish", "destination": "new", "new_post_title": "Tab\there"},
    )
    assert response.status_code == 400 and "control characters" in response.content.decode()


@pytest.mark.parametrize("encoding", ["multipart", "urlencoded"])
def test_an_oversized_body_of_any_encoding_is_refused_before_it_is_read(client, encoding, settings):
    """A 50 MB multipart POST to the comment form was once accepted (issue 26, item 6)."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    post = make_post()
    big = "x" * 200_000
    url = reverse("forum:comment_create", args=[post.slug])
    if encoding == "multipart":
        from io import BytesIO

        response = client.post(url, {"text": "Hello", "attachment": BytesIO(big.encode())})
    else:
        response = client.post(url, f"text=Hello&padding={big}", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "the most this site takes is 100,000" in response.content.decode()
    assert not Comment.objects.exists()
    # A body within the limit is read as before.
    assert client.post(url, {"text": "Hello"}).status_code == 302
