"""Readers report comments: once each, throttled, and enough reports hide a comment until a moderator looks."""

import pytest
from django.test import Client
from django.urls import reverse

from forum.models import Comment
from moderation.models import ModerationLogEntry, Report
from tests.factories import make_comment, make_member, make_moderator, make_post
from tests.pages import links

pytestmark = pytest.mark.django_db


def report_url(comment):
    return reverse("moderation:report_comment", args=[comment.pk])


def report(client, comment, reason="spam", details=""):
    return client.post(report_url(comment), {"reason": reason, "details": details})


def test_every_comment_offers_report_and_a_report_waits_in_the_queue(client):
    post = make_post()
    comment = make_comment(post=post, text="Buy menhirs")
    # In the thread thread.js puts Report under the comment; without it, the comment's own page (¶) has it.
    permalink = reverse("forum:comment_permalink", args=[comment.pk])
    assert permalink in links(client.get(post.get_absolute_url()))
    assert report_url(comment) in links(client.get(permalink, follow=True))
    response = report(client, comment, details="Third advert today")
    assert response.status_code == 302 and response["Location"] == comment.get_absolute_url()
    assert "The moderators will look at this comment" in client.get(response["Location"]).content.decode()
    stored = Report.objects.get()
    assert (stored.reason, stored.details, stored.reporter) == ("spam", "Third advert today", None)
    moderator = Client()
    moderator.force_login(make_moderator("Vitalstatistix"))
    queue = moderator.get(reverse("moderation:queue") + "?tab=reported").content.decode()
    assert "Buy menhirs" in queue and "1 open report:" in queue and "Spam or advertising: “Third advert today”" in queue


def test_one_report_per_reader_per_comment_by_browser_or_account(client):
    comment = make_comment(text="Hmm")
    report(client, comment)
    again = report(client, comment, reason="abuse")
    assert again.status_code == 409 and "You have already reported this comment" in again.content.decode()
    member = make_member("Getafix")
    for _ in range(2):
        browser = Client()
        browser.force_login(member)
        report(browser, comment)
    assert Report.objects.count() == 2


def test_a_report_needs_a_reason_from_the_list(client):
    comment = make_comment(text="Hmm")
    response = report(client, comment, reason="because")
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert client.post(report_url(comment), {}).status_code == 400
    assert not Report.objects.exists()


def test_enough_reports_hide_the_comment_and_log_it_as_automatic(settings):
    settings.FORUM_REPORTS_TO_HIDE = 3
    post = make_post()
    comment = make_comment(post=post, text="Nasty words")
    # Members with no record weigh one each (moderation.reporting).
    for handle in ("Getafix", "Obelix"):
        report(logged_in(handle), comment)
    assert Comment.objects.get(pk=comment.pk).state == Comment.State.PUBLISHED
    report(logged_in("Asterix"), comment, reason="abuse")
    assert Comment.objects.get(pk=comment.pk).state == Comment.State.HIDDEN
    entry = ModerationLogEntry.objects.get()
    assert (entry.action, entry.moderator, entry.detail) == ("hide_after_reports", None, "Reports weighing 3")
    # Readers are told what happened: their reports hid it, not a moderator (issue 22, item 2).
    page = Client().get(post.get_absolute_url()).content.decode()
    assert "This comment has been hidden after readers&#x27; reports." in page
    assert "hidden by a moderator" not in page


def logged_in(handle: str, address: str = "127.0.0.1") -> Client:
    browser = Client(REMOTE_ADDR=address)
    browser.force_login(make_member(handle))
    return browser


def test_a_moderator_dismissing_reports_closes_them_and_unhiding_restores_the_comment(settings):
    settings.FORUM_REPORTS_TO_HIDE = 1  # two readers without accounts and without a record: 0.5 each
    comment = make_comment(text="Disputed but fine")
    report(Client(REMOTE_ADDR="203.0.113.1"), comment)
    report(Client(REMOTE_ADDR="203.0.113.2"), comment)
    moderator = Client()
    moderator.force_login(make_moderator("Vitalstatistix"))
    moderator.post(reverse("moderation:queue_act"), {"tab": "reported", "act": f"unhide:{comment.pk}"})
    assert Comment.objects.get(pk=comment.pk).state == Comment.State.PUBLISHED
    assert not Report.objects.open().exists()
    assert "Disputed but fine" not in moderator.get(reverse("moderation:queue") + "?tab=reported").content.decode()
    # A fresh report later starts again from one.
    report(Client(), comment)
    assert Comment.objects.get(pk=comment.pk).state == Comment.State.PUBLISHED


def test_reports_are_limited_per_address(settings):
    settings.FORUM_REPORTS_PER_IP = 2
    comments = [make_comment(text=f"Comment {n}") for n in range(3)]
    for comment in comments[:2]:
        assert report(Client(), comment).status_code == 302
    refused = report(Client(), comments[2], details="One more")
    assert refused.status_code == 429 and "Too many reports from you" in refused.content.decode()
    assert "One more" in refused.content.decode()
    assert Report.objects.count() == 2


def test_removed_comments_cannot_be_reported(client):
    comment = make_comment(text="Gone soon")
    Comment.objects.filter(pk=comment.pk).erase(state=Comment.State.REMOVED_BY_AUTHOR)
    assert client.get(report_url(comment)).status_code == 410
    assert report(client, comment).status_code == 410
    assert not Report.objects.exists()


def test_fresh_cookies_on_one_address_count_as_one_person(settings):
    """Cookie-less browsers behind one address cannot hide a comment on their own: they are one reporter."""
    settings.FORUM_REPORTS_TO_HIDE = 2.5  # one reader without an account (0.5) and two members (1 each)
    comment = make_comment(text="Unpopular but fair")
    for _ in range(5):
        assert report(Client(REMOTE_ADDR="198.51.100.20"), comment).status_code == 302
    assert Report.objects.count() == 5
    assert Comment.objects.get(pk=comment.pk).state == Comment.State.PUBLISHED
    # Members count as people of their own, wherever they are.
    for handle in ("Getafix", "Obelix"):
        report(logged_in(handle, "198.51.100.20"), comment)
    assert Comment.objects.get(pk=comment.pk).state == Comment.State.HIDDEN
