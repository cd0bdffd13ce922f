"""Asking the moderators to take words down, and moderators granting or declining it in the queue."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from forum.models import Comment, PostSection
from forum.services.comments import comment_remove_by_author
from forum.services.posts import section_save
from moderation.models import RemovalRequest
from moderation.services.comments import comment_moderate
from tests.factories import make_comment, make_editor, make_member, make_moderator, make_post

pytestmark = pytest.mark.django_db

QUEUE = reverse("moderation:queue") + "?tab=requests"


def ask_url(comment=None, section=None):
    if comment:
        return reverse("moderation:ask_to_remove_comment", args=[comment.pk])
    return reverse("moderation:ask_to_remove_section", args=[section.pk])


@pytest.fixture
def moderator_client():
    client = Client()
    client.force_login(make_moderator("Vitalstatistix"))
    return client


def decide(moderator_client, decision, *requests):
    """Tick the requests in the queue and press the bulk button for `decision` ("grant" or "decline")."""
    return moderator_client.post(
        reverse("moderation:queue_act"),
        {"tab": "requests", "bulk": f"{decision}_request", "selected": [request.pk for request in requests]},
        follow=True,
    )


def test_anyone_can_ask_to_remove_a_comment_and_the_request_waits(client):
    post = make_post()
    comment = make_comment(post=post, text="Written on my old laptop")
    form = client.get(ask_url(comment=comment))
    assert form.status_code == 200 and "Written on my old laptop" in form.content.decode()
    response = client.post(
        ask_url(comment=comment), {"reason": "I wrote it and lost the link.", "contact": "me@example.org"}
    )
    assert response["Location"] == comment.get_absolute_url()
    request = RemovalRequest.objects.get()
    assert request.comment == comment and request.section is None
    assert request.reason == "I wrote it and lost the link." and request.contact == "me@example.org"
    assert request.status == RemovalRequest.Status.OPEN and request.requested_by is None
    comment.refresh_from_db()
    assert comment.text == "Written on my old laptop"  # nothing changes until a moderator decides
    assert "Your request is with the moderators." in client.get(response["Location"]).content.decode()


def test_a_logged_in_requester_is_recorded(client):
    member = make_member("Getafix")
    client.force_login(member)
    comment = make_comment(text="Hmm")
    client.post(ask_url(comment=comment), {"reason": "Mine"})
    assert RemovalRequest.objects.get().requested_by == member


def test_a_piece_sent_in_offers_ask_to_remove(client):
    post = make_post(body="A letter from a reader")
    section = post.sections.get()
    PostSection.objects.filter(pk=section.pk).update(credit="Pat Q")
    page = client.get(post.get_absolute_url()).content.decode()
    assert f'href="{ask_url(section=section)}"' in page
    client.post(ask_url(section=section), {"reason": "The letter quoted here is mine."})
    assert RemovalRequest.objects.get().section == section


def test_the_editors_own_text_offers_ask_to_remove_only_when_they_choose(client):
    post = make_post(body="What the editors wrote")
    section = post.sections.get()
    assert f'href="{ask_url(section=section)}"' not in client.get(post.get_absolute_url()).content.decode()
    response = client.post(ask_url(section=section), {"reason": "Take it down"})
    assert response.status_code == 410 and "The editors' own text" in response.content.decode()
    assert not RemovalRequest.objects.exists()
    section.offers_removal_requests = True  # the admin's checkbox, saved through the same service
    section_save(section=section, editor=make_editor())
    assert f'href="{ask_url(section=section)}"' in client.get(post.get_absolute_url()).content.decode()
    assert client.post(ask_url(section=section), {"reason": "The letter is mine."}).status_code == 302


def test_hidden_and_removed_comments_offer_no_ask_to_remove(client):
    moderator = make_moderator()
    post = make_post()
    shown = make_comment(post=post, text="Shown words")
    hidden = make_comment(post=post, text="Hidden words")
    comment_moderate(comment=hidden, action="hide", moderator=moderator)
    removed = make_comment(post=post, text="Removed words")
    comment_remove_by_author(comment=removed)
    for comment in (shown, hidden, removed):
        page = client.get(reverse("forum:comment_detail", args=[post.slug, comment.pk])).content.decode()
        assert (ask_url(comment=comment) in page) == (comment == shown), comment.text
    response = client.post(ask_url(comment=hidden), {"reason": "Mine"})
    assert response.status_code == 410 and "Not shown to readers" in response.content.decode()
    assert not RemovalRequest.objects.exists()


def test_a_request_needs_a_reason_and_keeps_what_was_typed(client):
    comment = make_comment(text="Hmm")
    response = client.post(ask_url(comment=comment), {"reason": "  ", "contact": "me@example.org"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Tell the moderators what to remove and why." in page and 'value="me@example.org"' in page
    response = client.post(ask_url(comment=comment), {"reason": "x" * 4001})
    assert response.status_code == 400 and "at most 4000 characters" in response.content.decode()
    assert not RemovalRequest.objects.exists()


def test_asking_about_something_already_removed_says_so(client, moderator_client):
    comment = make_comment(text="Hmm")
    client.post(ask_url(comment=comment), {"reason": "Mine"})
    decide(moderator_client, "grant", RemovalRequest.objects.get())
    response = client.get(ask_url(comment=comment))
    assert response.status_code == 410 and "Already removed" in response.content.decode()


@override_settings(FORUM_REMOVAL_REQUESTS_PER_IP=2)
def test_requests_are_limited_per_address(client):
    comment = make_comment(text="Hmm")
    for _ in range(2):
        client.post(ask_url(comment=comment), {"reason": "Mine"})
    refused = client.post(ask_url(comment=comment), {"reason": "Mine, really"})
    assert refused.status_code == 429 and "Too many requests from here" in refused.content.decode()
    assert "Mine, really" in refused.content.decode()
    assert RemovalRequest.objects.count() == 2


def test_the_queue_lists_open_requests_for_moderators_only(client, moderator_client):
    comment = make_comment(text="Hmm")
    client.post(ask_url(comment=comment), {"reason": "Please take this down"})
    assert "Please take this down" in moderator_client.get(QUEUE).content.decode()
    client.force_login(make_member("Getafix"))
    assert client.get(QUEUE).status_code == 403


def test_granting_a_comment_request_erases_it_and_keeps_the_replies(client, moderator_client):
    post = make_post()
    comment = make_comment(post=post, author_name="Obelix", text="Menhirs for sale")
    reply = make_comment(parent=comment, text="How much?")
    client.post(ask_url(comment=comment), {"reason": "Posted from my work computer."})
    page = decide(moderator_client, "grant", RemovalRequest.objects.get()).content.decode()
    assert "Removed at the author&#x27;s request: 1 request." in page
    comment.refresh_from_db()
    assert comment.state == Comment.State.REMOVED_AT_AUTHORS_REQUEST
    assert comment.text == comment.html == comment.author_name == ""
    request = RemovalRequest.objects.get()
    assert request.status == RemovalRequest.Status.GRANTED and request.decided_by.handle == "Vitalstatistix"
    thread = client.get(post.get_absolute_url()).content.decode()
    assert "Menhirs for sale" not in thread and "Obelix" not in thread
    assert "Removed at author&#x27;s request." in thread
    assert f"<li id=c{reply.pk}>" in thread and "How much?" in thread


def test_granting_a_section_request_shows_removed_at_authors_request(client, moderator_client):
    post = make_post(body="My private letter")
    section = post.sections.get()
    PostSection.objects.filter(pk=section.pk).update(credit="Anonymous reader")
    client.post(ask_url(section=section), {"reason": "The letter is mine."})
    decide(moderator_client, "grant", RemovalRequest.objects.get())
    section.refresh_from_db()
    assert section.removed_at_authors_request and section.body == section.body_html == ""
    page = client.get(post.get_absolute_url()).content.decode()
    assert "My private letter" not in page and PostSection.REMOVED_TEXT.replace("'", "&#x27;") in page


def test_declining_leaves_the_content_and_a_decision_is_made_once(client, moderator_client):
    comment = make_comment(text="Fair comment")
    client.post(ask_url(comment=comment), {"reason": "I do not like it."})
    request = RemovalRequest.objects.get()
    decide(moderator_client, "decline", request)
    request.refresh_from_db()
    comment.refresh_from_db()
    assert request.status == RemovalRequest.Status.DECLINED and comment.text == "Fair comment"
    page = decide(moderator_client, "grant", request).content.decode()
    assert "already decided: declined" in page
    comment.refresh_from_db()
    assert comment.text == "Fair comment"


def test_a_request_is_about_exactly_one_thing():
    from django.core.exceptions import ValidationError

    from moderation.services import requests

    with pytest.raises(ValidationError, match="one comment or one section"):
        requests.removal_request_create(reason="Both?", comment=make_comment(), section=PostSection.objects.first())
    with pytest.raises(ValidationError, match="one comment or one section"):
        requests.removal_request_create(reason="Neither?")
    assert not RemovalRequest.objects.exists()
