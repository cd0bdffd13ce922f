"""Readers send pieces to the editors; editors publish them as post sections, credited as asked."""

import pytest
from django.urls import reverse

from forum.models import Post, PostSection, Submission
from moderation.models import RemovalRequest
from moderation.services.requests import removal_request_grant
from tests.factories import make_editor, make_member, make_moderator, make_post

pytestmark = pytest.mark.django_db

PIECE = "Hi Jim\n\nProbably not coherent. I am so cross, but if you want to use this feel free."


def send_piece(client, **data):
    return client.post(reverse("forum:submission_create"), {"title": "Criss Cross", "text": PIECE, **data})


def test_a_reader_sends_a_piece_anonymously_and_it_waits_for_the_editors(client):
    assert "Send the editors a piece" in client.get("/").content.decode()
    response = send_piece(client, credit="anonymous")
    assert response.status_code == 200 and "the editors have your piece" in response.content.decode()
    piece = Submission.objects.get()
    assert (piece.title, piece.credit_label, piece.state, piece.sender) == ("Criss Cross", "Anonymous", "waiting", None)
    assert not PostSection.objects.filter(body__contains="Probably not coherent").exists()


def test_credit_by_handle_needs_an_account_and_names_are_checked(client):
    make_member("Getafix")
    assert "your handle" not in client.get(reverse("forum:submission_create")).content.decode()
    refused = send_piece(client, credit="handle")
    assert refused.status_code == 400 and not Submission.objects.exists()
    for name, message in [
        ("", "Give the name to credit you under."),
        ("Getafix", "member’s handle"),
        ("Anon Y", "Anon"),
    ]:
        response = send_piece(client, credit="name", credit_name=name)
        assert response.status_code == 400 and message in response.content.decode()
        assert PIECE.split("\n")[0] in response.content.decode()  # the text is kept
    assert send_piece(client, credit="name", credit_name="Criss Cross Reader").status_code == 200
    member = make_member("Obelix")
    client.force_login(member)
    assert send_piece(client, credit="handle").status_code == 200
    assert [s.credit_label for s in Submission.objects.order_by("pk")] == ["Criss Cross Reader", "Obelix"]


def test_bad_input_gets_a_message_and_floods_are_refused(client, settings):
    assert (
        "Give the piece a title."
        in client.post(reverse("forum:submission_create"), {"text": PIECE, "credit": "anonymous"}).content.decode()
    )
    too_long = send_piece(client, credit="anonymous", text="x" * 100_001)
    assert too_long.status_code == 400 and not Submission.objects.exists()
    settings.FORUM_SUBMISSIONS_PER_IP = 1
    assert send_piece(client, credit="anonymous").status_code == 200
    flood = send_piece(client, credit="anonymous")
    assert flood.status_code == 429 and Submission.objects.count() == 1


@pytest.mark.parametrize("who", ["anonymous", "member", "moderator"])
def test_the_inbox_is_for_editors_only(client, who):
    send_piece(client, credit="anonymous")
    piece = Submission.objects.get()
    if who == "member":
        client.force_login(make_member())
    elif who == "moderator":
        client.force_login(make_moderator())
    for url in (reverse("forum:submission_inbox"), reverse("forum:submission_detail", args=[piece.pk])):
        assert client.get(url).status_code == 403
    assert client.post(reverse("forum:submission_detail", args=[piece.pk]), {"action": "decline"}).status_code == 403
    piece.refresh_from_db()
    assert piece.is_waiting


def test_an_editor_publishes_a_piece_as_a_new_post_credited_as_asked(client):
    send_piece(client, credit="name", credit_name="A Reader")
    piece = Submission.objects.get()
    editor = make_editor("Jim")
    client.force_login(editor)
    inbox = client.get(reverse("forum:submission_inbox")).content.decode()
    assert "Criss Cross" in inbox and "from A Reader" in inbox
    response = client.post(
        reverse("forum:submission_detail", args=[piece.pk]),
        {"action": "publish", "destination": "new", "new_post_title": "Cross Words"},
    )
    post = Post.objects.get(title="Cross Words")
    assert response.status_code == 302 and response["Location"] == f"{post.get_absolute_url()}#section-1"
    assert post.editor == editor and post.slug == "cross-words"
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Probably not coherent" in page and "Sent in by A Reader" in page and ">Criss Cross</h2>" in page
    piece.refresh_from_db()
    assert piece.state == "published" and piece.section.post == post and piece.decided_by == editor
    again = client.post(
        reverse("forum:submission_detail", args=[piece.pk]), {"action": "publish", "destination": "new"}
    )
    assert again.status_code == 302 and Post.objects.count() == 1  # decided once only
    assert "already published" in client.get(again["Location"]).content.decode()


def test_an_editor_adds_a_piece_to_an_existing_post_and_the_sender_can_have_it_removed(client):
    member = make_member("Obelix")
    client.force_login(member)
    send_piece(client, credit="handle")
    piece = Submission.objects.get()
    post = make_post(title="At Odds With The Evidence")
    editor_client = client.__class__()
    editor_client.force_login(make_editor())
    missing = editor_client.post(
        reverse("forum:submission_detail", args=[piece.pk]), {"action": "publish", "destination": "existing"}
    )
    assert missing.status_code == 400 and "Choose the post to add the piece to." in missing.content.decode()
    editor_client.post(
        reverse("forum:submission_detail", args=[piece.pk]),
        {"action": "publish", "destination": "existing", "post": post.pk},
    )
    section = post.sections.get(position=2)
    assert section.credit == "Obelix" and section.heading == "Criss Cross"

    # The sender finds the piece on their account page and asks for it to be taken down.
    account = client.get(reverse("accounts:account")).content.decode()
    ask_url = reverse("moderation:ask_to_remove_section", args=[section.pk])
    assert ask_url in account
    client.post(ask_url, {"reason": "I wrote it in anger; please take it down.", "contact": ""})
    request = RemovalRequest.objects.get(section=section)
    removal_request_grant(request=request, moderator=make_moderator())
    section.refresh_from_db()
    assert section.removed_at_authors_request and (section.body, section.heading, section.credit) == ("", "", "")
    piece.refresh_from_db()
    assert piece.text == "" and "Probably not coherent" not in client.get(reverse("accounts:account")).content.decode()
    assert "Removed at author&#x27;s request." in client.get(post.get_absolute_url()).content.decode()


def test_an_editor_declines_a_piece(client):
    send_piece(client, credit="anonymous")
    piece = Submission.objects.get()
    client.force_login(make_editor())
    response = client.post(reverse("forum:submission_detail", args=[piece.pk]), {"action": "decline"})
    assert response.status_code == 302
    piece.refresh_from_db()
    assert piece.state == "declined" and not PostSection.objects.filter(heading="Criss Cross").exists()
