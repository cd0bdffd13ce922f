"""What readers read where words were: which decision left the tombstone, the public reason, a link to the
decision on the log; and purge, which leaves no tombstone at all unless replies need one."""

import importlib
import re
from datetime import date

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django.urls import reverse

from forum.models import Comment, Post
from forum.services.comments import comment_remove_by_author
from moderation.models import ModerationLogEntry
from moderation.services.comments import comment_moderate
from tests.factories import make_comment, make_comment_at, make_moderator, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator_client():
    client = Client()
    client.force_login(make_moderator("Vitalstatistix"))
    return client


def thread(post) -> str:
    return Client().get(post.get_absolute_url()).content.decode()


def tombstone(html: str, comment) -> str:
    """The tombstone paragraph of one comment on a page."""
    found = re.search(rf"<li id=c{comment.pk}>.*?(<p class=ts>.*?</p>)", html, re.S)
    assert found, f"no tombstone for {comment.name}"
    return found[1]


def test_a_moderators_removal_shows_its_public_reason_and_links_to_the_log(moderator_client):
    post = make_post()
    comment = make_comment(post=post, text="Something abusive.")
    moderator_client.post(
        reverse("moderation:comment", args=[comment.pk]),
        {"action": "remove", "reason": "Personal abuse", "note": "Third time from this poster."},
    )
    entry = ModerationLogEntry.objects.get(comment=comment)
    for html in (
        thread(post),
        Client().get(reverse("forum:comment_detail", args=[post.slug, comment.pk])).content.decode(),
    ):
        shown = tombstone(html, comment)
        assert "This comment has been removed by a moderator. Reason: Personal abuse" in shown
        assert f"<a href=/moderation/log/{entry.pk}/>In the moderation log</a>" in shown
        assert "Third time" not in html  # the private note stays with the moderators
    # The link opens that decision, for anyone, without the note or who took it.
    log_page = Client().get(reverse("moderation:log_entry", args=[entry.pk]))
    assert log_page.status_code == 200
    body = log_page.content.decode()
    assert "Removed by a moderator" in body and "Personal abuse" in body
    assert "Third time" not in body and "Vitalstatistix" not in body


def test_a_hide_without_a_reason_still_says_who_decided_and_links_to_the_log(moderator_client):
    post = make_post()
    comment = make_comment(post=post)
    moderator_client.post(reverse("moderation:comment", args=[comment.pk]), {"action": "hide"})
    shown = tombstone(thread(post), comment)
    assert shown.startswith("<p class=ts>This comment has been hidden by a moderator. <a href=/moderation/log/")
    assert "Reason" not in shown


def test_readers_reports_are_named_as_what_hid_the_comment(settings):
    settings.FORUM_REPORTS_TO_HIDE = 1  # two readers without accounts, 0.5 each
    post = make_post()
    comment = make_comment(post=post)
    for address in ("203.0.113.1", "203.0.113.2"):
        Client(REMOTE_ADDR=address).post(reverse("moderation:report_comment", args=[comment.pk]), {"reason": "spam"})
    shown = tombstone(thread(post), comment)
    assert "This comment has been hidden after readers&#x27; reports." in shown
    assert "moderator" not in shown


def test_the_authors_own_removal_names_no_reason_and_no_log_link(client):
    post = make_post()
    comment = make_comment(post=post, removal_key="k" * 32)
    comment_remove_by_author(comment=comment)
    assert tombstone(thread(post), comment) == "<p class=ts>This comment has been removed by the author.</p>"


def test_a_log_entry_about_an_unpublished_post_or_a_ban_is_not_public(moderator_client):
    post = make_post(published_on=date(2999, 1, 1))
    comment = make_comment(post=post)
    comment_moderate(comment=comment, action="hide", moderator=make_moderator(), reason="Too early")
    entry = ModerationLogEntry.objects.get(comment=comment)
    assert Client().get(reverse("moderation:log_entry", args=[entry.pk])).status_code == 404
    assert moderator_client.get(reverse("moderation:log_entry", args=[entry.pk])).status_code == 200
    assert Client().get(reverse("moderation:log_entry", args=[entry.pk + 1000])).status_code == 404


def test_purged_spam_leaves_no_tombstone_and_no_count_but_is_logged(moderator_client):
    post = make_post()
    make_comment(post=post, text="A real comment.")
    spam = make_comment(post=post, text="Buy cheap pills at spam.example")
    assert Post.objects.get(pk=post.pk).comment_count == 2
    response = moderator_client.post(
        reverse("moderation:comment", args=[spam.pk]), {"action": "purge", "reason": "Spam"}
    )
    assert response.status_code == 302
    spam.refresh_from_db()
    assert (spam.state, spam.text, spam.html) == (Comment.State.PURGED, "", "")
    html = thread(post)
    assert "Buy cheap pills" not in html and f"id=c{spam.pk}>" not in html
    assert "removed by a moderator" not in html
    assert Post.objects.get(pk=post.pk).comment_count == 1
    entry = ModerationLogEntry.objects.get(comment=spam)
    assert (entry.action, entry.reason) == ("purge", "Spam")
    log = Client().get(reverse("moderation:log")).content.decode()
    assert "Purged by a moderator" in log and "Buy cheap pills" not in log


def test_purging_a_comment_with_replies_keeps_them_under_a_tombstone(moderator_client):
    post = make_post()
    spam = make_comment(post=post, text="Spam that someone answered")
    reply = make_comment(parent=spam, text="Is this spam?")
    moderator_client.post(reverse("moderation:comment", args=[spam.pk]), {"action": "purge", "reason": "Spam"})
    spam.refresh_from_db()
    assert spam.state == Comment.State.REMOVED_BY_MODERATOR and spam.text == ""
    html = thread(post)
    assert "Is this spam?" in html and "Spam that someone answered" not in html
    assert "This comment has been removed by a moderator. Reason: Spam" in tombstone(html, spam)
    assert Post.objects.get(pk=post.pk).comment_count == 2
    assert ModerationLogEntry.objects.get(comment=spam).action == "purge"
    assert reply.pk


def test_purge_is_offered_in_the_thread_the_queue_and_the_admin(moderator_client, settings):
    settings.FORUM_REPORTS_TO_HIDE = 99
    post = make_post()
    comment = make_comment(post=post)
    Client(REMOTE_ADDR="203.0.113.9").post(reverse("moderation:report_comment", args=[comment.pk]), {"reason": "spam"})
    assert f"value=purge:{comment.pk}>Purge</button>" in moderator_client.get(post.get_absolute_url()).content.decode()
    queue = moderator_client.get(reverse("moderation:queue") + "?tab=reported").content.decode()
    assert f'value="purge:{comment.pk}"' in queue
    admin = Client()
    admin.force_login(make_moderator("Getafix", is_staff=True, is_superuser=True))
    assert 'value="moderate_purge"' in admin.get(reverse("admin:forum_comment_changelist")).content.decode()


def test_reference_tooltips_quote_plain_words_not_typed_tags(client):
    post = make_post()
    make_comment_at("23:58", post=post, text="Thanks Getafix & all. <i>Solidarity</i>.")
    make_comment_at("23:59", post=post, text="Well said 23:58")
    html = thread(post)
    titles = re.findall(r'<a class=cr href=[^ >]* title="([^"]*)">', html)
    assert titles == ["Anonymous at 23:58: “Thanks Getafix &amp; all. Solidarity.”"]
    assert "&lt;i&gt;" not in html.split("<a class=cr", 1)[1].split(">", 1)[0]


def test_a_tooltip_to_a_comment_hidden_by_reports_says_so(settings):
    settings.FORUM_REPORTS_TO_HIDE = 0.5  # one reader without an account
    post = make_post()
    target = make_comment_at("19:12", post=post, text="Reported words")
    make_comment_at("19:30", post=post, text="@anon 19:12 indeed")
    Client(REMOTE_ADDR="203.0.113.1").post(reverse("moderation:report_comment", args=[target.pk]), {"reason": "spam"})
    titles = re.findall(r'<a class=cr href=[^ >]* title="([^"]*)">', thread(post))
    assert titles == ["A comment at 19:12: This comment has been hidden after readers&#x27; reports."]


def test_a_quoted_comment_outside_its_thread_names_the_decision_too(settings):
    settings.FORUM_REPORTS_TO_HIDE = 0.5  # one reader without an account
    comment = make_comment(text="Reported words")
    Client(REMOTE_ADDR="203.0.113.1").post(reverse("moderation:report_comment", args=[comment.pk]), {"reason": "spam"})
    page = (
        Client(REMOTE_ADDR="203.0.113.2").get(reverse("moderation:report_comment", args=[comment.pk])).content.decode()
    )
    assert "This comment has been hidden after readers&#x27; reports." in page
    assert "hidden by a moderator" not in page


def test_the_upgrade_says_removed_before_import_where_an_archive_named_nobody():
    """Migration forum 0018 on rows as earlier imports left them: guessed authors become nobody, unless
    the site itself removed the comment (it is on the log) or WordPress's trash (a moderator's act) did."""
    migration = importlib.import_module("forum.migrations.0018_imported_deletions_removed_before_import")
    post = make_post()
    State = Comment.State

    def imported(legacy_id, state):
        comment = make_comment(post=post)
        Comment.objects.filter(pk=comment.pk).update(legacy_id=legacy_id, state=state, text="", html="")
        return comment

    takeout = imported("blogger:1", State.REMOVED_BY_AUTHOR)
    disqus = imported("disqus:2", State.REMOVED_BY_MODERATOR)
    wordpress = imported("wordpress:comment-3", State.REMOVED_BY_MODERATOR)
    removed_here = make_comment(post=post)
    comment_moderate(comment=removed_here, action="remove", moderator=make_moderator(), reason="Abuse")
    Comment.objects.filter(pk=removed_here.pk).update(legacy_id="blogger:4")
    migration.say_removed_before_import(django_apps, None)
    states = dict(Comment.objects.values_list("pk", "state"))
    assert states[takeout.pk] == states[disqus.pk] == State.REMOVED_BEFORE_IMPORT
    assert states[wordpress.pk] == states[removed_here.pk] == State.REMOVED_BY_MODERATOR
    assert "Removed before this archive was imported." in thread(post)
