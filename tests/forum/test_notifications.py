"""Members follow posts or their own comments and get batched emails about replies, with a one-click way out."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from forum.models import Comment, Notification, PostFollow
from forum.services.comments import comment_remove_by_author
from forum.services.notifications import send_pending_notifications, unsubscribe_token
from moderation.services.comments import comment_moderate
from tests.factories import make_comment, make_member, make_moderator, make_post, post_comment

pytestmark = pytest.mark.django_db


def send(minutes_later: int = 16) -> int:
    return send_pending_notifications(now=timezone.now() + timedelta(minutes=minutes_later))


@pytest.fixture
def asterix(client):
    member = make_member("Asterix")
    client.force_login(member)
    return member


def test_email_on_replies_is_opt_in_and_set_on_the_account_page(client, asterix):
    post = make_post()
    mine = make_comment(post=post, author=asterix, text="My words")
    make_comment(parent=mine, text="An answer")
    assert send() == 0 and mail.outbox == []

    response = client.post(reverse("accounts:account"), {"email_on_replies": "on"})
    assert response.status_code == 302
    asterix.refresh_from_db()
    assert asterix.email_on_replies
    make_comment(parent=mine, author_name="Obelix", text="Another answer, with more words after it")
    assert send(minutes_later=5) == 0  # not before the edit window has closed
    assert send() == 1
    [email] = mail.outbox
    assert email.to == ["asterix@example.org"]
    assert email.subject == "1 new reply on Forum"
    assert "Obelix at" in email.body and "replied to your comment" in email.body
    assert "Another answer, with more words after it" in email.body
    assert "An answer\n" not in email.body  # queued before the member opted in


def test_following_a_post_batches_its_new_comments_into_one_email(client, asterix):
    post = make_post(title="At Odds")
    assert client.post(reverse("forum:post_follow", args=[post.slug])).status_code == 302
    assert "You follow this post." in client.get(post.get_absolute_url()).content.decode()
    for number in range(5):
        make_comment(post=post, text=f"Busy thread comment {number}")
    make_comment(post=post, author=asterix, text="My own comment")  # never notified about your own words
    assert send() == 1
    [email] = mail.outbox
    assert email.subject == "5 new replies on Forum"
    assert email.body.count("commented on a post you follow on “At Odds”") == 5
    assert "My own comment" not in email.body
    assert send() == 0  # sent once

    client.post(reverse("forum:post_follow", args=[post.slug]), {"follow": "off"})
    make_comment(post=post)
    assert not PostFollow.objects.exists() and send() == 0


def test_words_removed_hidden_or_held_before_sending_are_never_emailed(client, asterix):
    post = make_post()
    client.post(reverse("forum:post_follow", args=[post.slug]))
    removed = make_comment(post=post, text="Regretted words")
    hidden = make_comment(post=post, text="Hidden words")
    comment_remove_by_author(comment=removed)
    Comment.objects.filter(pk=hidden.pk).update(state=Comment.State.HIDDEN)
    assert send() == 0 and mail.outbox == []
    assert Notification.objects.unsent().count() == 0  # looked at, nothing to say


def test_a_held_comment_notifies_when_a_moderator_approves_it(client, asterix):
    post = make_post(comment_policy="hold_all")
    client.post(reverse("forum:post_follow", args=[post.slug]))
    held = make_comment(post=post, text="Held until approved")
    assert not Notification.objects.exists()
    comment_moderate(comment=held, action="approve", moderator=make_moderator())
    assert send() == 1 and "Held until approved" in mail.outbox[0].body


def test_the_unsubscribe_link_is_signed_per_member_and_works_in_one_click(client, asterix):
    post = make_post()
    asterix.email_on_replies = True
    asterix.save()
    client.post(reverse("forum:post_follow", args=[post.slug]))
    make_comment(post=post)
    send()
    [email] = mail.outbox
    url = re.search(r"http://127\.0\.0\.1:8000(/unsubscribe/\S+/)", email.body)[1]
    assert email.extra_headers["List-Unsubscribe"] == f"<http://127.0.0.1:8000{url}>"
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    stranger = Client(enforce_csrf_checks=True)
    assert stranger.get(url).status_code == 200  # GET asks; it changes nothing
    asterix.refresh_from_db()
    assert asterix.email_on_replies
    make_comment(post=post)  # waiting when the member unsubscribes: dropped too
    assert stranger.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200  # a mail program's POST
    asterix.refresh_from_db()
    assert not asterix.email_on_replies and not PostFollow.objects.exists()
    assert send() == 0

    forged = url.replace(url.split("/")[2][:4], "abcd")
    assert stranger.get(forged).status_code == 404
    assert url != reverse("forum:unsubscribe", args=[unsubscribe_token(make_member("Obelix"))])


def test_following_needs_an_account_and_a_post(client):
    post = make_post()
    response = client.post(reverse("forum:post_follow", args=[post.slug]))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert "Follow this post" not in client.get(post.get_absolute_url()).content.decode()
    client.force_login(make_member())
    assert client.post(reverse("forum:post_follow", args=["no-such-post"])).status_code == 404
    assert client.get(reverse("forum:post_follow", args=[post.slug])).status_code == 405


def test_the_command_sends_what_is_waiting(asterix, capsys):
    post = make_post()
    PostFollow.objects.create(user=asterix, post=post)
    comment = make_comment(post=post)
    Notification.objects.update(created_at=timezone.now() - timedelta(hours=1))
    call_command("send_notifications")
    assert "Sent 1 notification email." in capsys.readouterr().out
    assert mail.outbox[0].to == ["asterix@example.org"] and comment.first_words in mail.outbox[0].body


def test_a_failed_send_is_retried_next_time(asterix, monkeypatch):
    post = make_post()
    PostFollow.objects.create(user=asterix, post=post)
    make_comment(post=post)

    def broken(self, fail_silently=False):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    assert send() == 0
    monkeypatch.undo()
    assert send() == 1


def test_replying_through_the_form_notifies_the_parent_author(client):
    author = make_member("Getafix", email_on_replies=True)
    post = make_post()
    parent = make_comment(post=post, author=author)
    post_comment(Client(), post, parent=parent, text="A reader's reply")
    assert send() == 1 and "A reader's reply" in mail.outbox[0].body


class WorkerKilled(BaseException):
    """What a `kill -9` looks like from inside: nothing after it runs, no handler catches it."""


def test_a_worker_killed_mid_send_neither_loses_nor_doubles_the_email(asterix, monkeypatch):
    """Rows were once marked sent before the mail server had them: a kill in between lost the email."""
    post = make_post()
    PostFollow.objects.create(user=asterix, post=post)
    make_comment(post=post, text="Words that must arrive")

    def killed(self, fail_silently=False):
        raise WorkerKilled

    monkeypatch.setattr("django.core.mail.EmailMessage.send", killed)
    with pytest.raises(WorkerKilled):
        send()
    monkeypatch.undo()
    assert Notification.objects.get().sent_at is None  # not lost: still waiting
    assert send(minutes_later=17) == 0  # while the dead worker's claim stands, no one sends it twice
    assert send(minutes_later=16 + 11) == 1  # once the claim has expired, another run sends it
    assert send(minutes_later=16 + 30) == 0
    assert len(mail.outbox) == 1 and "Words that must arrive" in mail.outbox[0].body
