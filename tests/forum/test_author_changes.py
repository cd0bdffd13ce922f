"""Authors edit within the window and remove at any time: members by session, everyone else by removal key."""

import html
import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from forum.lib import cookies, keys
from forum.models import Comment
from tests.factories import make_comment, make_member, make_post
from tests.pages import links, links_in

pytestmark = pytest.mark.django_db


def post_anonymously(client, post, text="Words I may regret", **data):
    """Post through the form; return the comment and the private removal link shown once."""
    response = client.post(reverse("forum:comment_create", args=[post.slug]), {"text": text, **data})
    page = client.get(response["Location"]).content.decode()
    link = re.search(r'<textarea class="form-control removal-link"[^>]*>([^<]+)</textarea>', page).group(1)
    return Comment.objects.get(text=text), html.unescape(link).removeprefix("http://testserver")


def main_text(response) -> str:
    """The page's own content, without the header's links back to the current address."""
    return re.search(r"<main.*</main>", response.content.decode(), re.S).group(0)


def edit_url(comment):
    return reverse("forum:comment_edit", args=[comment.post.slug, comment.pk])


def remove_url(comment):
    return reverse("forum:comment_remove", args=[comment.post.slug, comment.pk])


def assert_erased(comment, state=Comment.State.REMOVED_BY_AUTHOR):
    comment.refresh_from_db()
    assert comment.state == state
    assert comment.text == comment.html == comment.author_name == comment.removal_key_hash == ""


# --- the private link and the cookie --------------------------------------------------------


def test_posting_without_an_account_shows_a_private_link_once_and_stores_only_a_hash(client):
    post = make_post()
    response = client.post(reverse("forum:comment_create", args=[post.slug]), {"text": "Mine"})
    first_view = client.get(response["Location"]).content.decode()
    assert "Keep this link to remove your comment later." in first_view
    comment = Comment.objects.get()
    key = re.search(r"/remove/\?key=([^\"<]+)<", first_view).group(1)
    assert comment.removal_key_hash == keys.hash_removal_key(key) and key not in comment.removal_key_hash
    again = client.get(post.get_absolute_url()).content.decode()
    assert key not in again and "Keep this link" not in again  # shown once, not on every visit


def test_the_removal_key_cookie_is_signed_and_hidden_from_scripts(client):
    post = make_post()
    response = client.post(reverse("forum:comment_create", args=[post.slug]), {"text": "Hi"})
    cookie = response.cookies[cookies.REMOVAL_KEYS_COOKIE]
    assert cookie["httponly"] and ":" in cookie.value  # value:signature
    client.cookies[cookies.REMOVAL_KEYS_COOKIE] = cookie.value.replace('"', "") + "x"
    assert cookies.removal_keys_from(client.get("/").wsgi_request) == {}  # a forged cookie counts for nothing


# --- removing -------------------------------------------------------------------------------


def test_a_member_removes_their_comment_and_its_words_leave_the_database(client):
    member = make_member("Getafix")
    post = make_post()
    comment = make_comment(post=post, author=member, text="Regrettable")
    reply = make_comment(parent=comment, text="An answer that stays")
    client.force_login(member)
    thread = client.get(post.get_absolute_url()).content.decode()
    assert remove_url(comment) in links_in(thread, page=post.get_absolute_url())
    confirm = client.get(remove_url(comment))
    assert confirm.status_code == 200 and "Remove your comment?" in confirm.content.decode()
    assert Comment.objects.get(pk=comment.pk).text == "Regrettable"  # GET changes nothing
    response = client.post(remove_url(comment))
    assert response["Location"] == comment.get_absolute_url()
    assert_erased(comment)
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Regrettable" not in page and "This comment has been removed by the author." in page
    assert f"<li id=c{reply.pk}>" in page and "An answer that stays" in page


def test_an_anonymous_author_removes_from_the_same_browser_by_cookie(client):
    comment, _ = post_anonymously(client, make_post())
    thread = links(client.get(comment.post.get_absolute_url()))
    assert remove_url(comment) in thread and edit_url(comment) in thread
    response = client.post(remove_url(comment))
    assert response.status_code == 302
    assert_erased(comment)
    assert cookies.removal_keys_from(client.get("/").wsgi_request) == {}  # the spent key is forgotten


def test_an_author_removes_from_another_browser_with_the_private_link(client):
    comment, link = post_anonymously(client, make_post(), identity="name", author_name="Obelix")
    elsewhere = Client()
    confirm = elsewhere.get(link)
    assert confirm.status_code == 200 and "Words I may regret" in confirm.content.decode()
    assert confirm["Referrer-Policy"] == "same-origin"
    key = link.split("key=")[1]
    assert elsewhere.post(remove_url(comment), {"key": key}).status_code == 302
    assert_erased(comment)


def test_other_readers_cannot_remove_or_edit(client):
    comment, _ = post_anonymously(client, make_post())
    stranger = Client()
    thread = links(stranger.get(comment.post.get_absolute_url()))
    assert remove_url(comment) not in thread
    # Asking the moderators is on the comment's own page (thread.js adds it under the comment in the thread too).
    # The comment's time leads to its own page.
    own_page = stranger.get(reverse("forum:comment_permalink", args=[comment.pk]), follow=True)
    assert reverse("forum:comment_permalink", args=[comment.pk]) in thread
    assert own_page.request["PATH_INFO"] == reverse("forum:comment_detail", args=[comment.post.slug, comment.pk])
    assert reverse("moderation:ask_to_remove_comment", args=[comment.pk]) in links(own_page)
    for url in (remove_url(comment), edit_url(comment)):
        response = stranger.post(url, {"text": "Vandalised"})
        assert response.status_code == 403
        assert "ask the moderators to remove it" in response.content.decode()
    comment.refresh_from_db()
    assert comment.text == "Words I may regret" and comment.state == Comment.State.PUBLISHED


def test_another_members_session_is_refused(client):
    comment = make_comment(author=make_member("Getafix"), text="Mine alone")
    client.force_login(make_member("Asterix"))
    assert client.post(remove_url(comment)).status_code == 403
    assert client.post(edit_url(comment), {"text": "Changed"}).status_code == 403
    comment.refresh_from_db()
    assert comment.text == "Mine alone" and comment.state == Comment.State.PUBLISHED


def test_a_removal_key_does_not_work_for_a_member_comment(client):
    anonymous, link = post_anonymously(client, make_post())
    member_comment = make_comment(post=anonymous.post, author=make_member("Getafix"), text="Member words")
    key = link.split("key=")[1]
    response = Client().post(remove_url(member_comment), {"key": key})
    assert response.status_code == 404
    member_comment.refresh_from_db()
    assert member_comment.text == "Member words"


def test_a_wrong_used_or_misdirected_key_reveals_nothing(client):
    comment, link = post_anonymously(client, make_post())
    other, _ = post_anonymously(client, comment.post, text="Another comment")
    key = link.split("key=")[1]
    stranger = Client()
    wrong = stranger.get(remove_url(comment), {"key": "not-the-key"})
    misdirected = stranger.get(remove_url(other), {"key": key})
    missing = stranger.get(reverse("forum:comment_remove", args=[comment.post.slug, 999_999]), {"key": key})
    assert wrong.status_code == misdirected.status_code == missing.status_code == 404
    assert main_text(wrong) == main_text(misdirected) == main_text(missing)
    assert stranger.post(remove_url(comment), {"key": key}, follow=True).redirect_chain
    reused = stranger.post(remove_url(comment), {"key": key})
    assert reused.status_code == 404 and main_text(reused) == main_text(missing)
    other.refresh_from_db()
    assert other.text == "Another comment"


@override_settings(FORUM_REMOVAL_KEY_FAILURES_PER_IP=3)
def test_wrong_keys_are_throttled_per_address(client):
    comment, link = post_anonymously(client, make_post())
    key = link.split("key=")[1]
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    for attempt in range(3):
        assert guesser.post(remove_url(comment), {"key": f"guess-{attempt}"}).status_code == 404
    refused = guesser.post(remove_url(comment), {"key": key})  # even the right key, for now
    assert refused.status_code == 429 and "Too many attempts" in refused.content.decode()
    comment.refresh_from_db()
    assert comment.state == Comment.State.PUBLISHED
    assert Client(REMOTE_ADDR="203.0.113.10").post(remove_url(comment), {"key": key}).status_code == 302


# --- editing --------------------------------------------------------------------------------


def test_edit_within_the_window_shows_edited(client):
    comment, _ = post_anonymously(client, make_post())
    form = client.get(edit_url(comment)).content.decode()
    assert "Words I may regret" in form
    response = client.post(edit_url(comment), {"text": "Better words"})
    assert response["Location"] == comment.get_absolute_url()
    comment.refresh_from_db()
    assert comment.text == "Better words" and comment.edited_at is not None
    page = client.get(comment.post.get_absolute_url()).content.decode()
    assert "Better words" in page and "Words I may regret" not in page
    assert " <i>edited</i>" in page


@pytest.mark.parametrize("minutes, allowed", [(14, True), (15, True), (16, False)])
def test_edit_window_is_fifteen_minutes(client, minutes, allowed):
    posted = timezone.now()
    with time_machine.travel(posted, tick=False):
        comment, link = post_anonymously(client, make_post())
    with time_machine.travel(posted + timedelta(minutes=minutes, seconds=-1 if minutes == 15 else 0), tick=False):
        thread = links(client.get(comment.post.get_absolute_url()))
        response = client.post(edit_url(comment), {"text": "Second thoughts"})
    comment.refresh_from_db()
    if allowed:
        assert response.status_code == 302 and comment.text == "Second thoughts"
        assert edit_url(comment) in thread
    else:
        assert response.status_code == 409 and comment.text == "Words I may regret"
        assert "can no longer be edited" in response.content.decode()
        assert edit_url(comment) not in thread and remove_url(comment) in thread


def test_edit_submitted_after_the_window_closed_keeps_the_new_text_in_the_form(client):
    posted = timezone.now()
    with time_machine.travel(posted, tick=False):
        member = make_member("Getafix")
        comment = make_comment(author=member, text="Original")
        client.force_login(member)
    # The form was opened in time; the window closes while the author types.
    with time_machine.travel(posted + timedelta(minutes=14), tick=False):
        assert client.get(edit_url(comment)).status_code == 200
    with time_machine.travel(posted + timedelta(minutes=15, seconds=1), tick=False):
        response = client.post(edit_url(comment), {"text": "Long-considered rewrite"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "can no longer be edited" in page and "Your changes were not saved." in page
    assert "Long-considered rewrite</textarea>" in page
    comment.refresh_from_db()
    assert comment.text == "Original"


def test_edit_with_bad_text_keeps_the_text_and_says_why(client):
    comment, _ = post_anonymously(client, make_post())
    response = client.post(edit_url(comment), {"text": "x" * 10_001})
    assert response.status_code == 400
    assert "at most 10000 characters" in response.content.decode()
    comment.refresh_from_db()
    assert comment.text == "Words I may regret"


def test_a_removed_comment_can_no_longer_be_edited(client):
    member = make_member("Getafix")
    comment = make_comment(author=member, text="Gone soon")
    client.force_login(member)
    client.post(remove_url(comment))
    assert client.post(edit_url(comment), {"text": "Back again"}).status_code == 409
    assert_erased(comment)


def test_comment_links_are_right_even_when_the_slug_looks_like_an_id(client):
    comment, _ = post_anonymously(client, make_post(slug="0"))
    thread = links(client.get(comment.post.get_absolute_url()))
    own_page = links(client.get(reverse("forum:comment_detail", args=["0", comment.pk])))
    for name in ("forum:comment_edit", "forum:comment_remove"):
        assert reverse(name, args=["0", comment.pk]) in thread
    for name in ("forum:comment_reply", "forum:comment_edit", "forum:comment_remove"):
        assert reverse(name, args=["0", comment.pk]) in own_page
