"""The issue's acceptance journey: a seed thread, "hold anonymous comments", moderated entirely through the
web pages, and a public log that tells readers what happened without repeating what was removed."""

import html

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from forum.models import Comment, CommentPolicy, Post
from moderation.models import RemovalRequest
from tests.factories import make_moderator, post_comment
from tests.forum.test_seed_import import FIRST_SEED

pytestmark = pytest.mark.django_db


def test_a_seed_thread_is_moderated_through_the_pages_and_the_public_log_tells_the_story():
    call_command("import_seeds", str(FIRST_SEED))
    post = Post.objects.get()
    seed = list(Comment.objects.filter(post=post, state=Comment.State.PUBLISHED).in_thread_order())
    to_hide, to_remove, to_grant = seed[1], seed[2], seed[3]
    removed_words = [comment.text[:40] for comment in (to_hide, to_remove, to_grant)]
    moderator = Client()
    moderator.force_login(make_moderator("Vitalstatistix"))
    reader, commenter = Client(), Client(REMOTE_ADDR="198.51.100.7")

    # The post holds anonymous comments.
    moderator.post(
        reverse("moderation:post_policy", args=[post.slug]),
        {"policy": CommentPolicy.HOLD_UNREGISTERED, "reason": "Busy thread"},
    )
    post_comment(commenter, post, text="A new anonymous view")
    post_comment(commenter, post, parent=seed[0], text="@anon a reply at depth one")
    assert "A new anonymous view" not in reader.get(post.get_absolute_url()).content.decode()
    assert "A new anonymous view" in commenter.get(post.get_absolute_url()).content.decode()

    # Approve both from the queue, with the bulk bar.
    held = list(Comment.objects.filter(state=Comment.State.PENDING).values_list("pk", flat=True))
    queue = moderator.get(reverse("moderation:queue")).content.decode()
    assert "A new anonymous view" in queue and post.title in html.unescape(queue)
    moderator.post(reverse("moderation:queue_act"), {"tab": "held", "bulk": "approve", "selected": held})

    # Hide one from the thread itself, remove another from its page with a reason.
    moderator.post(
        reverse("moderation:comment", args=[to_hide.pk]),
        {"action": "hide", "next": f"{post.get_absolute_url()}#c{to_hide.pk}"},
    )
    moderator.post(
        reverse("moderation:comment", args=[to_remove.pk]),
        {"action": "remove", "reason": "Named a private person", "note": "Checked with the editor"},
    )

    # A reader asks for one to be taken down; the moderator grants it in the queue.
    reader.post(
        reverse("moderation:ask_to_remove_comment", args=[to_grant.pk]), {"reason": "I wrote this; please remove it."}
    )
    request = RemovalRequest.objects.get()
    moderator.post(reverse("moderation:queue_act"), {"tab": "requests", "act": f"grant_request:{request.pk}"})

    thread = html.unescape(reader.get(post.get_absolute_url()).content.decode())
    assert "A new anonymous view" in thread and "@anon a reply at depth one" in thread
    assert "This comment has been hidden by a moderator." in thread
    assert "This comment has been removed by a moderator." in thread
    assert "Removed at author's request." in thread
    for words in removed_words:
        assert words not in thread

    public_log = html.unescape(reader.get(reverse("moderation:log")).content.decode())
    for told in (
        "Comment policy changed: Hold anonymous and unregistered comments for approval",
        "Busy thread",
        "Approved",
        "Hidden by a moderator",
        "Removed by a moderator",
        "Named a private person",
        "Removed at the author's request",
    ):
        assert told in public_log, told
    assert public_log.count(post.title) == 6  # policy, two approvals, hide, remove, grant
    for secret in removed_words + ["Checked with the editor", "Vitalstatistix", "I wrote this"]:
        assert secret not in public_log
    assert not Comment.objects.filter(pk__in=[to_remove.pk, to_grant.pk]).exclude(text="").exists()
