"""Comment policies: the site's default, a post's own choice, closing by age, and who sees held comments."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from forum.models import Comment, CommentPolicy
from moderation.models import ModerationLogEntry, ModerationSettings
from tests.factories import PASSWORD, make_comment, make_editor, make_member, make_moderator, make_post, post_comment

pytestmark = pytest.mark.django_db


def set_site_default(policy: str, *, hold_links: bool = False) -> None:
    ModerationSettings.objects.update_or_create(
        pk=1, defaults={"default_policy": policy, "hold_links_from_unregistered": hold_links}
    )


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_publish_immediately_shows_an_anonymous_comment_to_everyone(client):
    post = make_post()
    post_comment(client, post, text="Straight in")
    assert Comment.objects.get().state == Comment.State.PUBLISHED
    assert "Straight in" in Client().get(post.get_absolute_url()).content.decode()


def test_holding_unregistered_comments_holds_anonymous_and_typed_names_but_not_members(client):
    set_site_default(CommentPolicy.HOLD_UNREGISTERED)
    post = make_post()
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Comments from anonymous and unregistered posters wait for a moderator" in page
    post_comment(client, post, text="Anonymous words")
    post_comment(Client(), post, identity="name", author_name="Obelix", text="Named words")
    post_comment(logged_in(make_member("Getafix")), post, identity="member", text="Member words")
    states = dict(Comment.objects.values_list("text", "state"))
    assert states == {
        "Anonymous words": Comment.State.PENDING,
        "Named words": Comment.State.PENDING,
        "Member words": Comment.State.PUBLISHED,
    }


def test_a_held_comment_is_shown_only_to_its_author_and_to_moderators(client):
    set_site_default(CommentPolicy.HOLD_UNREGISTERED)
    post = make_post()
    response = post_comment(client, post, text="Is this on?")
    followed = client.get(response["Location"]).content.decode()
    assert "Your comment is waiting for a moderator" in followed
    assert "Is this on?" in followed and "awaiting moderation" in followed
    stranger = Client().get(post.get_absolute_url()).content.decode()
    assert "Is this on?" not in stranger and "No comments" in stranger
    moderator = logged_in(make_moderator("Vitalstatistix")).get(post.get_absolute_url()).content.decode()
    assert "Is this on?" in moderator and "awaiting moderation" in moderator
    # Held comments are not counted on the home page, nor open to replies or reports.
    assert "No comments" in Client().get("/").content.decode()
    held = Comment.objects.get()
    assert Client().get(reverse("forum:comment_reply", args=[post.slug, held.pk])).status_code == 404
    assert Client().get(reverse("moderation:report_comment", args=[held.pk])).status_code == 404


def test_holding_every_comment_holds_members_but_not_moderators():
    post = make_post(comment_policy=CommentPolicy.HOLD_ALL)
    post_comment(logged_in(make_member("Getafix")), post, identity="member", text="Member words")
    post_comment(logged_in(make_moderator("Vitalstatistix")), post, identity="member", text="Moderator words")
    assert dict(Comment.objects.values_list("text", "state")) == {
        "Member words": Comment.State.PENDING,
        "Moderator words": Comment.State.PUBLISHED,
    }


def test_a_posts_own_policy_overrides_the_site_default(client):
    set_site_default(CommentPolicy.HOLD_ALL)
    post = make_post(comment_policy=CommentPolicy.PUBLISH)
    post_comment(client, post, text="Open here")
    assert Comment.objects.get().state == Comment.State.PUBLISHED


def test_closed_comments_refuse_new_comments_and_replies_and_keep_the_text(client):
    post = make_post()
    parent = make_comment(post=post, text="Earlier")
    post.comment_policy = CommentPolicy.CLOSED
    post.save()
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Comments are closed on this post." in page and 'class="comment-form"' not in page
    refused = post_comment(client, post, text="Too late, my words")
    assert refused.status_code == 403
    body = refused.content.decode()
    assert "Comments are closed on this post." in body and "Too late, my words" in body
    reply = post_comment(client, post, parent=parent, text="Late reply")
    assert reply.status_code == 403 and "Late reply" in reply.content.decode()
    assert (
        "Comments are closed"
        in client.get(reverse("forum:comment_reply", args=[post.slug, parent.pk])).content.decode()
    )
    assert Comment.objects.count() == 1


def test_comments_close_by_themselves_after_the_configured_number_of_days(client, settings):
    settings.FORUM_CLOSE_COMMENTS_AFTER_DAYS = 30
    today = timezone.localdate()
    old, recent = make_post(published_on=today - timedelta(days=31)), make_post(published_on=today - timedelta(days=30))
    refused = post_comment(client, old, text="Old thread")
    assert refused.status_code == 403 and "too old for new ones" in refused.content.decode()
    assert post_comment(client, recent, text="Still open").status_code == 302
    settings.FORUM_CLOSE_COMMENTS_AFTER_DAYS = None
    assert post_comment(client, old, text="Never closes when unset").status_code == 302


def test_links_from_unregistered_posters_can_be_held_whatever_the_policy(client):
    set_site_default(CommentPolicy.PUBLISH, hold_links=True)
    post = make_post()
    post_comment(client, post, text="See https://example.com/cheap-menhirs")
    post_comment(client, post, text="No link here")
    post_comment(logged_in(make_member("Getafix")), post, identity="member", text="Member link https://example.org")
    assert dict(Comment.objects.values_list("text", "state")) == {
        "See https://example.com/cheap-menhirs": Comment.State.PENDING,
        "No link here": Comment.State.PUBLISHED,
        "Member link https://example.org": Comment.State.PUBLISHED,
    }


def test_editing_a_link_into_a_published_comment_sends_it_back_for_approval(client):
    set_site_default(CommentPolicy.PUBLISH, hold_links=True)
    post = make_post()
    post_comment(client, post, text="Innocent words")
    comment = Comment.objects.get()
    response = client.post(
        reverse("forum:comment_edit", args=[post.slug, comment.pk]), {"text": "Buy at https://spam.example.com"}
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.state == Comment.State.PENDING
    assert "waits for a moderator" in client.get(response["Location"]).content.decode()


def test_moderators_set_a_posts_policy_on_its_moderation_page_and_it_is_logged():
    post = make_post()
    client = logged_in(make_moderator("Vitalstatistix"))
    url = reverse("moderation:post_policy", args=[post.slug])
    assert "The site&#x27;s default: Publish immediately" in client.get(url).content.decode()
    response = client.post(url, {"policy": CommentPolicy.HOLD_UNREGISTERED, "reason": "A heated thread"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.comment_policy == CommentPolicy.HOLD_UNREGISTERED
    entry = ModerationLogEntry.objects.get()
    assert (entry.action, entry.post, entry.reason, entry.moderator.handle) == (
        "set_policy",
        post,
        "A heated thread",
        "Vitalstatistix",
    )
    assert entry.detail == "Hold anonymous and unregistered comments for approval"
    # Saving the same choice again writes nothing new.
    client.post(url, {"policy": CommentPolicy.HOLD_UNREGISTERED})
    assert ModerationLogEntry.objects.count() == 1
    invalid = client.post(url, {"policy": "anything goes"})
    assert invalid.status_code == 400 and "Select a valid choice" in invalid.content.decode()


def test_a_policy_changed_in_the_admin_is_logged_too(client):
    editor = make_editor("Editrix")
    post = make_post(editor=editor)
    client.login(handle="Editrix", password=PASSWORD)
    response = client.post(
        reverse("admin:forum_post_change", args=[post.pk]),
        {
            "title": post.title,
            "slug": post.slug,
            "published_on": post.published_on.isoformat(),
            "kind": "post",
            "editor": editor.pk,
            "comment_policy": CommentPolicy.CLOSED,
            "sections-TOTAL_FORMS": "0",
            "sections-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    post.refresh_from_db()
    assert post.comment_policy == CommentPolicy.CLOSED
    assert ModerationLogEntry.objects.get().detail == "Comments closed"
