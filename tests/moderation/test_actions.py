"""Moderators' actions, from the queue and from a comment's page: each state change, each refusal, each log row."""

import pytest
from django.test import Client
from django.urls import reverse

from forum.models import Comment, CommentPolicy
from moderation.models import ModerationLogEntry, RemovalRequest
from moderation.services.comments import comment_moderate
from tests.factories import make_comment, make_moderator, make_post, post_comment

pytestmark = pytest.mark.django_db

State = Comment.State
QUEUE = reverse("moderation:queue")


@pytest.fixture
def moderator():
    return make_moderator("Vitalstatistix")


@pytest.fixture
def moderator_client(moderator):
    client = Client()
    client.force_login(moderator)
    return client


def held_comments(post, count):
    """`count` anonymous comments posted through the form while the post holds them."""
    post.comment_policy = CommentPolicy.HOLD_UNREGISTERED
    post.save()
    for number in range(count):
        post_comment(Client(), post, text=f"Held words {number}")
    return list(Comment.objects.filter(post=post).order_by("pk"))


def act(client, comment, action, **data):
    return client.post(reverse("moderation:comment", args=[comment.pk]), {"action": action, **data})


def state_of(comment):
    return Comment.objects.get(pk=comment.pk).state


# The legal moves, from the state the comment is in, to the state it ends in.
LEGAL = [
    (State.PENDING, "approve", State.PUBLISHED),
    (State.PENDING, "reject", State.REJECTED),
    (State.PUBLISHED, "hide", State.HIDDEN),
    (State.HIDDEN, "unhide", State.PUBLISHED),
    (State.PUBLISHED, "remove", State.REMOVED_BY_MODERATOR),
    (State.HIDDEN, "remove", State.REMOVED_BY_MODERATOR),
]


@pytest.mark.parametrize("start, action, end", LEGAL)
def test_each_action_moves_the_comment_and_writes_one_log_row(moderator_client, moderator, start, action, end):
    comment = make_comment(text="Some words")
    Comment.objects.filter(pk=comment.pk).update(state=start)  # the starting state under test
    response = act(moderator_client, comment, action, reason="House rules", note="Third time this week")
    assert response.status_code == 302
    assert state_of(comment) == end
    entry = ModerationLogEntry.objects.get()
    assert (entry.action, entry.comment_id, entry.moderator, entry.reason, entry.private_note) == (
        action,
        comment.pk,
        moderator,
        "House rules",
        "Third time this week",
    )
    stored = Comment.objects.get(pk=comment.pk)
    if end in Comment.GONE_STATES:
        assert stored.text == stored.html == ""  # erased, not hidden
    else:
        assert stored.text == "Some words"


ILLEGAL = [
    (State.PUBLISHED, "approve"),
    (State.PUBLISHED, "reject"),
    (State.PUBLISHED, "unhide"),
    (State.PENDING, "hide"),
    (State.PENDING, "remove"),
    (State.HIDDEN, "hide"),
    (State.REMOVED_BY_MODERATOR, "unhide"),
    (State.REMOVED_BY_AUTHOR, "approve"),
    (State.REJECTED, "approve"),
    (State.PUBLISHED, "dismiss_reports"),  # nothing to dismiss
    (State.PUBLISHED, "delete_everything"),
]


@pytest.mark.parametrize("start, action", ILLEGAL)
def test_actions_that_do_not_apply_are_refused_and_change_nothing(moderator_client, start, action):
    comment = make_comment(text="Some words")
    Comment.objects.filter(pk=comment.pk).update(state=start)
    response = act(moderator_client, comment, action)
    assert response.status_code == 302
    assert state_of(comment) == start
    assert not ModerationLogEntry.objects.exists()
    followed = moderator_client.get(response["Location"]).content.decode()
    assert "does not apply" in followed or "is not a moderation action" in followed or "no open reports" in followed


def test_readers_see_the_hidden_tombstone_with_replies_kept_and_moderators_see_the_words(moderator_client):
    post = make_post()
    comment = make_comment(post=post, text="Rude words")
    reply = make_comment(parent=comment, text="Calm reply")
    act(moderator_client, comment, "hide")
    reader = Client().get(post.get_absolute_url()).content.decode()
    assert "Rude words" not in reader and "This comment has been hidden by a moderator." in reader
    assert f"<li id=c{reply.pk}>" in reader and "Calm reply" in reader
    moderator = moderator_client.get(post.get_absolute_url()).content.decode()
    assert "Rude words" in moderator and "hidden from readers" in moderator
    act(moderator_client, comment, "unhide")
    assert "Rude words" in Client().get(post.get_absolute_url()).content.decode()


def test_removing_erases_the_words_and_shows_the_moderator_tombstone(moderator_client):
    post = make_post()
    comment = make_comment(post=post, author_name="Obelix", text="Libel here")
    act(moderator_client, comment, "remove", reason="Defamatory")
    page = Client().get(post.get_absolute_url()).content.decode()
    assert "Libel here" not in page and "Obelix" not in page
    assert "This comment has been removed by a moderator." in page


def test_the_queue_lists_held_comments_oldest_first_with_their_context(moderator_client):
    post = make_post(title="Winter pressures")
    parent = make_comment(post=post, author_name="Obelix", text="The parent comment says this")
    post.comment_policy = CommentPolicy.HOLD_UNREGISTERED
    post.save()
    post_comment(Client(), post, parent=parent, text="First held")
    post_comment(Client(), post, text="Second held")
    page = moderator_client.get(QUEUE).content.decode()
    assert page.index("First held") < page.index("Second held")
    assert "Winter pressures" in page and "In reply to Obelix: The parent comment says this" in page
    assert "Anon·" in page  # the author label


def test_one_button_approves_one_item_and_the_next_item_is_focused(moderator_client):
    post = make_post()
    first, second, third = held_comments(post, 3)
    response = moderator_client.post(reverse("moderation:queue_act"), {"tab": "held", "act": f"approve:{first.pk}"})
    assert response["Location"] == f"{QUEUE}?tab=held#item-{second.pk}"
    assert state_of(first) == State.PUBLISHED and state_of(second) == State.PENDING
    response = moderator_client.post(reverse("moderation:queue_act"), {"tab": "held", "act": f"reject:{third.pk}"})
    # After the last item, back to the first that still waits.
    assert response["Location"] == f"{QUEUE}?tab=held#item-{second.pk}"
    page = Client().get(post.get_absolute_url()).content.decode()
    assert "Held words 0" in page and "Held words 1" not in page and "Held words 2" not in page


def test_a_bulk_action_applies_to_every_ticked_item_with_one_reason(moderator_client):
    post = make_post()
    comments = held_comments(post, 4)
    response = moderator_client.post(
        reverse("moderation:queue_act"),
        {"tab": "held", "bulk": "approve", "selected": [c.pk for c in comments[:3]], "bulk-reason": "Fine"},
        follow=True,
    )
    assert "Approved: 3 comments." in response.content.decode()
    assert [state_of(c) for c in comments] == [State.PUBLISHED] * 3 + [State.PENDING]
    assert list(ModerationLogEntry.objects.values_list("reason", flat=True)) == ["Fine"] * 3


def test_a_bulk_action_reports_items_another_moderator_already_decided(moderator_client, moderator):
    post = make_post()
    first, second = held_comments(post, 2)
    comment_moderate(comment=first, action="reject", moderator=moderator)
    response = moderator_client.post(
        reverse("moderation:queue_act"),
        {"tab": "held", "bulk": "approve", "selected": [first.pk, second.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "Approved: 1 comment." in page and f"Comment {first.pk} is rejected by a moderator" in page
    assert state_of(first) == State.REJECTED and state_of(second) == State.PUBLISHED


def test_an_empty_bulk_action_explains_itself(moderator_client):
    response = moderator_client.post(reverse("moderation:queue_act"), {"tab": "held", "bulk": "approve"}, follow=True)
    assert "tick at least one item" in response.content.decode()


def test_the_navigation_counts_waiting_items_for_moderators(moderator_client):
    post = make_post()
    held_comments(post, 2)
    RemovalRequest.objects.create(comment=make_comment(post=make_post()), reason="Mine")
    page = moderator_client.get("/").content.decode()
    assert (
        '<span class="badge text-bg-warning queue-count">3<span class="visually-hidden"> waiting</span></span>' in page
    )


def test_the_thread_offers_moderators_the_actions_that_apply(moderator_client):
    post = make_post()
    comment = make_comment(post=post, text="Words")
    page = moderator_client.get(post.get_absolute_url()).content.decode()
    # One shared form for the page; each comment's buttons submit it with their action and comment.
    assert page.count('<form id="moderate" method="post"') == 1
    assert page.count("csrfmiddlewaretoken") == 4  # log out, follow, moderate, comment: none per comment
    assert f"<button form=moderate name=act value=hide:{comment.pk}>Hide</button>" in page
    assert f"<button form=moderate name=act value=remove:{comment.pk}>Remove</button>" in page
    assert "value=approve:" not in page
    response = moderator_client.post(
        reverse("moderation:comment_act"), {"act": f"hide:{comment.pk}", "next": post.get_absolute_url()}
    )
    assert response["Location"] == f"{post.get_absolute_url()}#c{comment.pk}"
    assert Comment.objects.get(pk=comment.pk).state == Comment.State.HIDDEN
    refused = moderator_client.post(
        reverse("moderation:comment_act"), {"act": f"approve:{comment.pk}", "next": "https://evil.example.com/"}
    )
    assert refused["Location"] == f"{reverse('moderation:queue')}#c{comment.pk}"
    assert Comment.objects.get(pk=comment.pk).state == Comment.State.HIDDEN
    act(moderator_client, comment, "unhide")
    response = act(moderator_client, comment, "hide", next=f"{post.get_absolute_url()}#c{comment.pk}")
    assert response["Location"] == f"{post.get_absolute_url()}#c{comment.pk}"
    # A next address on another site is not followed.
    response = act(moderator_client, comment, "unhide", next="https://evil.example.com/")
    assert response["Location"] == reverse("moderation:comment", args=[comment.pk])


def test_the_author_removing_their_own_comment_is_logged_without_a_moderator(client):
    post = make_post()
    post_comment(client, post, text="Regrets")
    comment = Comment.objects.get()
    client.post(reverse("forum:comment_remove", args=[post.slug, comment.pk]))
    entry = ModerationLogEntry.objects.get()
    assert (entry.action, entry.comment_id, entry.moderator) == ("remove_by_author", comment.pk, None)


def test_granting_and_declining_requests_are_logged_with_the_moderator(moderator_client, moderator):
    granted, declined = make_comment(text="Take me down"), make_comment(text="Keep me")
    for comment in (granted, declined):
        RemovalRequest.objects.create(comment=comment, reason="Mine")
    requests = list(RemovalRequest.objects.order_by("pk"))
    moderator_client.post(
        reverse("moderation:queue_act"),
        {"tab": "requests", "act": f"grant_request:{requests[0].pk}", f"reason-{requests[0].pk}": "Author asked"},
    )
    moderator_client.post(
        reverse("moderation:queue_act"), {"tab": "requests", "act": f"decline_request:{requests[1].pk}"}
    )
    entries = {entry.action: entry for entry in ModerationLogEntry.objects.all()}
    assert entries["grant_request"].comment_id == granted.pk and entries["grant_request"].reason == "Author asked"
    assert entries["decline_request"].comment_id == declined.pk
    assert {entry.moderator for entry in entries.values()} == {moderator}
    assert state_of(granted) == State.REMOVED_AT_AUTHORS_REQUEST and state_of(declined) == State.PUBLISHED


def test_a_moderators_thread_page_runs_a_fixed_number_of_queries(moderator_client, settings):
    from tests.factories import make_thread
    from tests.forum.test_pages import thread_queries

    settings.FORUM_REPORTS_TO_HIDE = 100
    small, large = make_post(), make_post()
    make_thread(post=small, size=10)
    make_thread(post=large, size=200)
    for comment in Comment.objects.filter(post=large)[:20]:
        Client().post(reverse("moderation:report_comment", args=[comment.pk]), {"reason": "spam"})
    moderator_client.get(small.get_absolute_url())  # where the pages begin, kept per thread version
    moderator_client.get(large.get_absolute_url())
    # Session, user, two permission reads, post, the page's rows, follow, open reports, the
    # queue's counts (one query), their own notices; the post's sections and labels are kept per thread version.
    assert thread_queries(moderator_client, small) == thread_queries(moderator_client, large) == 10


def test_an_overlong_reason_is_refused_not_cut_short(moderator_client):
    post = make_post()
    (comment,) = held_comments(post, 1)
    response = moderator_client.post(
        reverse("moderation:queue_act"),
        {"tab": "held", "act": f"approve:{comment.pk}", f"reason-{comment.pk}": "x" * 501},
        follow=True,
    )
    assert "at most 500 characters" in response.content.decode()
    assert state_of(comment) == State.PENDING and not ModerationLogEntry.objects.exists()
    response = act(moderator_client, comment, "approve", reason="y" * 501)
    assert response.status_code == 400 and state_of(comment) == State.PENDING


def test_the_queue_tabs_and_the_log_run_a_fixed_number_of_queries(moderator_client, moderator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from moderation.models import Report

    def counts():
        pages = [QUEUE + "?tab=held", QUEUE + "?tab=reported", QUEUE + "?tab=requests", reverse("moderation:log")]
        result = []
        for url in pages:
            with CaptureQueriesContext(connection) as queries:
                assert moderator_client.get(url).status_code == 200
            result.append(len(queries))
        return result

    def add_items(count):
        post = make_post(comment_policy=CommentPolicy.HOLD_UNREGISTERED)
        parent = make_comment(post=post, author=moderator)
        for number in range(count):
            make_comment(post=post, parent=parent, author_name=f"Poster{number}x")
            reported = make_comment(post=post, author=moderator)
            Report.objects.create(comment=reported, reason="spam", reporter_key=f"reader-{post.pk}-{number}")
            RemovalRequest.objects.create(comment=reported, reason="Mine", requested_by=moderator)  # named in the queue
            RemovalRequest.objects.create(section=post.sections.get(), reason="My letter")
            comment_moderate(comment=make_comment(post=post, author=moderator), action="hide", moderator=moderator)

    add_items(2)
    few = counts()
    add_items(10)
    assert counts() == few
