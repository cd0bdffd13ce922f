"""Authors are told what happened and may answer: reasons, private notices, the standing page, appeals, email."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.forms import DeleteAccountForm
from forum.models import Comment
from moderation.models import Appeal, AuthorNotice, ModerationLogEntry, Reason
from tests.factories import PASSWORD, make_comment, make_member, make_moderator, make_post, post_comment
from tests.forum.test_author_changes import main_text, post_anonymously, remove_url

pytestmark = pytest.mark.django_db


def moderator(handle: str) -> Client:
    browser = Client()
    browser.force_login(make_moderator(handle))
    return browser


def decide(browser: Client, comment: Comment, action: str, **why) -> None:
    response = browser.post(reverse("moderation:comment", args=[comment.pk]), {"action": action, **why})
    assert response.status_code == 302, response.content.decode()


def reason(wording: str) -> str:
    return str(Reason.objects.get(wording=wording).pk)


def notices_on(response) -> list[str]:
    return re.findall(r'<div class="alert alert-info author-notice".*?</div>', response.content.decode(), re.S)


def test_the_default_reasons_are_offered_and_their_wording_is_public():
    assert list(Reason.objects.offered().values_list("wording", flat=True)) == [
        "Off-topic",
        "Personal attack",
        "Spam",
        "Private information",
        "At the author's request",
        "Other",
    ]
    comment = make_comment(text="Buy my menhirs")
    queue = moderator("Vitalstatistix")
    page = queue.get(reverse("moderation:queue") + "?tab=reported").content.decode()
    decide(
        queue,
        comment,
        "hide",
        reason_choice=reason("Spam"),
        reason="third advert today",
        note_to_author="Adverts go in the classifieds.",
        note="Seen him before",
    )
    entry = ModerationLogEntry.objects.get(action="hide")
    assert (entry.reason, entry.note_to_author, entry.private_note) == (
        "Spam: third advert today",
        "Adverts go in the classifieds.",
        "Seen him before",
    )
    public_log = Client().get(reverse("moderation:log")).content.decode()
    thread = Client().get(comment.post.get_absolute_url()).content.decode()
    for public in (public_log, thread):
        assert "Spam: third advert today" in public
        assert "classifieds" not in public and "Seen him before" not in public
    assert page  # the queue renders with the reasons list


def test_a_reason_not_in_the_list_is_refused_with_a_message():
    comment = make_comment(text="Words")
    response = moderator("Vitalstatistix").post(
        reverse("moderation:comment", args=[comment.pk]), {"action": "hide", "reason_choice": "9999"}
    )
    assert response.status_code == 400 and "Choose one of the reasons in the list." in response.content.decode()
    assert Comment.objects.get(pk=comment.pk).state == Comment.State.PUBLISHED


def test_an_anonymous_author_is_told_on_every_page_and_nobody_else_is(client):
    post = make_post()
    comment, _ = post_anonymously(client, post, text="My anonymous opinion")
    decide(
        moderator("Vitalstatistix"),
        comment,
        "hide",
        reason_choice=reason("Off-topic"),
        note_to_author="Stay on the post.",
    )
    for page in (reverse("forum:post_list"), post.get_absolute_url(), reverse("moderation:log")):
        shown = notices_on(client.get(page))
        assert len(shown) == 1, page
        assert "hidden by a moderator" in shown[0] and "Reason: Off-topic" in shown[0]
        assert "Stay on the post." in shown[0] and "My anonymous opinion" not in shown[0]
    stranger = Client()
    assert notices_on(stranger.get(post.get_absolute_url())) == []
    assert "Stay on the post." not in stranger.get(post.get_absolute_url()).content.decode()
    # Dismissed: off every page, still on the standing page.
    notice = AuthorNotice.objects.get()
    client.post(reverse("moderation:notice_dismiss", args=[notice.pk]), {"next": "/"})
    assert notices_on(client.get(post.get_absolute_url())) == []
    standing = client.get(reverse("moderation:standing")).content.decode()
    assert "Stay on the post." in standing and "hidden by a moderator" in standing
    # Nobody else can dismiss or read it.
    assert stranger.post(reverse("moderation:notice_dismiss", args=[notice.pk])).status_code == 404


def test_a_removal_link_opens_the_standing_page_from_another_browser_after_the_words_are_erased(client):
    comment, link = post_anonymously(client, make_post(), text="Words a moderator removes")
    decide(moderator("Vitalstatistix"), comment, "remove", reason_choice=reason("Personal attack"))
    elsewhere = Client()
    opened = elsewhere.get(link)
    assert opened.status_code == 302 and opened["Location"].startswith(reverse("moderation:standing") + "?key=")
    standing = elsewhere.get(opened["Location"])
    assert standing["Referrer-Policy"] == "same-origin"
    page = standing.content.decode()
    assert "removed by a moderator" in page and "Personal attack" in page
    assert "Words a moderator removes" not in page
    assert len(notices_on(standing)) == 1
    entry = ModerationLogEntry.objects.get(action="remove")
    key = link.split("key=")[1]
    sent = elsewhere.post(reverse("moderation:appeal", args=[entry.pk]), {"key": key, "text": "I was quoting him."})
    assert sent.status_code == 302
    assert Appeal.objects.get().text == "I was quoting him."
    again = elsewhere.post(reverse("moderation:appeal", args=[entry.pk]), {"key": key, "text": "Please!"}, follow=True)
    assert "one appeal per decision" in again.content.decode()
    assert Appeal.objects.count() == 1


def test_a_key_that_opens_nothing_is_refused_and_throttled(settings):
    settings.FORUM_REMOVAL_KEY_FAILURES_PER_IP = 3
    make_comment(text="Someone else's")
    guesser = Client()
    for _ in range(3):
        assert guesser.get(reverse("moderation:standing"), {"key": "guess"}).status_code == 404
    assert guesser.get(reverse("moderation:standing"), {"key": "guess"}).status_code == 429
    entry_pk = ModerationLogEntry.objects.values_list("pk", flat=True).first() or 1
    assert Client().post(reverse("moderation:appeal", args=[entry_pk]), {"text": "Mine?"}).status_code == 404


def test_an_appeal_is_answered_by_another_moderator_and_the_answer_is_public_without_words(client):
    post = make_post()
    comment, _ = post_anonymously(client, post, text="Hidden but harmless words")
    first, second = moderator("Vitalstatistix"), moderator("Getafix")
    decide(first, comment, "hide", reason_choice=reason("Off-topic"))
    entry = ModerationLogEntry.objects.get(action="hide")
    client.post(reverse("moderation:appeal", args=[entry.pk]), {"text": "It answers the post's question."})
    appeal = Appeal.objects.get()
    tab = second.get(reverse("moderation:queue") + "?tab=appeals").content.decode()
    assert "It answers the post&#x27;s question." in tab and "Hidden but harmless words" in tab
    answer = {"outcome": "reversed", "reason": "On topic after all"}
    refused = first.post(reverse("moderation:appeal_answer", args=[appeal.pk]), answer, follow=True)
    assert "another moderator answers its appeal" in refused.content.decode()
    assert Appeal.objects.get().is_open
    second.post(reverse("moderation:appeal_answer", args=[appeal.pk]), answer)
    assert Comment.objects.get(pk=comment.pk).state == Comment.State.PUBLISHED
    answered = ModerationLogEntry.objects.get(action="appeal_reversed")
    assert (answered.reason, answered.detail) == ("On topic after all", "The comment is shown again.")
    public_log = Client().get(reverse("moderation:log")).content.decode()
    assert "Appeal answered: decision reversed" in public_log and "On topic after all" in public_log
    assert "It answers the post" not in public_log and "Hidden but harmless words" not in public_log
    told = notices_on(client.get(reverse("forum:post_list")))
    assert any("the decision is reversed" in notice and "On topic after all" in notice for notice in told)
    assert "reversed" in client.get(reverse("moderation:standing")).content.decode()


def test_reversing_an_erasure_says_the_words_cannot_come_back(client):
    comment, _ = post_anonymously(client, make_post(), text="Gone for good")
    decide(moderator("Vitalstatistix"), comment, "remove")
    entry = ModerationLogEntry.objects.get(action="remove")
    client.post(reverse("moderation:appeal", args=[entry.pk]), {"text": "Please restore it."})
    moderator("Getafix").post(
        reverse("moderation:appeal_answer", args=[Appeal.objects.get().pk]), {"outcome": "reversed", "reason": "Fair"}
    )
    assert ModerationLogEntry.objects.get(action="appeal_reversed").detail.startswith("The words were erased")
    assert "cannot come back" in " ".join(notices_on(client.get("/")))


def test_a_sole_moderator_answers_appeals_of_their_own_decisions(client):
    comment, _ = post_anonymously(client, make_post(), text="Held back")
    only = moderator("Vitalstatistix")
    decide(only, comment, "hide")
    client.post(
        reverse("moderation:appeal", args=[ModerationLogEntry.objects.get().pk]), {"text": "Please look again."}
    )
    only.post(
        reverse("moderation:appeal_answer", args=[Appeal.objects.get().pk]), {"outcome": "upheld", "reason": "Stands"}
    )
    assert Appeal.objects.get().status == Appeal.Status.UPHELD
    assert Comment.objects.get(pk=comment.pk).state == Comment.State.HIDDEN


def test_a_members_rejected_comment_arrives_as_a_batched_email_with_the_reason(settings):
    settings.FORUM_NOTIFICATION_DELAY_MINUTES = 0
    member = make_member("Getafix")
    held = make_comment(author=member, text="Held words")
    Comment.objects.filter(pk=held.pk).update(state=Comment.State.PENDING)
    other = make_comment(author=member, text="Another one")
    queue = moderator("Vitalstatistix")
    queue.post(
        reverse("moderation:queue_act"),
        {
            "tab": "held",
            "act": f"reject:{held.pk}",
            f"reason_choice-{held.pk}": reason("Private information"),
            f"note_to_author-{held.pk}": "It named a neighbour.",
        },
    )
    decide(queue, other, "hide", reason_choice=reason("Off-topic"))
    call_command("send_notifications")
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["getafix@example.org"] and "2 moderators' decisions on" in email.subject
    assert "rejected" in email.body and "Reason: Private information" in email.body
    assert "It named a neighbour." in email.body and "Reason: Off-topic" in email.body
    assert "Held words" not in email.body and "List-Unsubscribe" in email.extra_headers
    call_command("send_notifications")
    assert len(mail.outbox) == 1  # sent once
    # The account page tells too, and the unsubscribe link stops decision emails.
    browser = Client()
    browser.force_login(member)
    assert len(notices_on(browser.get(reverse("accounts:account")))) == 2
    browser.post(re.search(r"(/unsubscribe/\S+)", email.body).group(1))
    decide(queue, make_comment(author=member, text="Third"), "hide")
    call_command("send_notifications")
    assert len(mail.outbox) == 1


def test_the_standing_page_shows_only_what_its_author_wrote_and_reported(client):
    post = make_post()
    mine, _ = post_anonymously(client, post, text="My words")
    someone, _ = post_anonymously(Client(), post, text="Their words")
    post_comment(client, post, text="A second of mine")
    client.post(reverse("moderation:report_comment", args=[someone.pk]), {"reason": "spam", "details": "Advert"})
    client.post(reverse("moderation:ask_to_remove_comment", args=[someone.pk]), {"reason": "It quotes me"})
    Client().post(reverse("moderation:report_comment", args=[mine.pk]), {"reason": "abuse", "details": "Secret"})
    moderator("Vitalstatistix").post(
        reverse("moderation:queue_act"), {"tab": "reported", "act": f"dismiss_reports:{someone.pk}"}
    )
    page = main_text(client.get(reverse("moderation:standing")))
    assert "My words" in page and "A second of mine" in page and "Their words" not in page
    assert "Spam or advertising" in page and "dismissed" in page  # the report they filed, and its outcome
    assert "waiting for a moderator" in page  # their removal request
    assert "Secret" not in page and "abuse" not in page.lower()  # someone else's report on their comment
    assert "Nothing here yet" in main_text(Client().get(reverse("moderation:standing")))


def test_the_standing_page_and_the_appeals_tab_read_a_fixed_number_of_queries(
    client, django_assert_num_queries, settings
):
    settings.FORUM_COMMENTS_PER_POSTER = settings.FORUM_COMMENTS_PER_IP = 100
    post = make_post()
    queue = moderator("Vitalstatistix")
    for size in (2, 12):
        for number in range(size):
            comment, _ = post_anonymously(client, post, text=f"Words {size}-{number}")
            decide(queue, comment, "hide", reason_choice=reason("Off-topic"))
            entry = ModerationLogEntry.objects.filter(comment=comment).get()
            client.post(reverse("moderation:appeal", args=[entry.pk]), {"text": f"Appeal {number}"})
        # The author's notices (with decisions and appeals), comments, requests, reports, and the notices
        # at the top of the page.
        with django_assert_num_queries(5):
            assert client.get(reverse("moderation:standing")).status_code == 200
        # Session, user, permissions (2), the appeals, the queue's counts, the moderator's own notices.
        with django_assert_num_queries(7):
            assert queue.get(reverse("moderation:queue") + "?tab=appeals").status_code == 200


def test_removing_ones_own_words_takes_the_notices_and_appeal_texts_with_them(client):
    comment, _ = post_anonymously(client, make_post(), text="I will take this down")
    decide(moderator("Vitalstatistix"), comment, "hide")
    client.post(reverse("moderation:appeal", args=[ModerationLogEntry.objects.get().pk]), {"text": "My appeal"})
    client.post(remove_url(comment))
    assert not AuthorNotice.objects.exists()
    appeal = Appeal.objects.get()
    assert (appeal.text, appeal.status) == ("", Appeal.Status.WITHDRAWN)


def test_deleting_an_account_takes_its_notices_appeals_and_report_texts():
    member = make_member("Getafix")
    browser = Client()
    browser.force_login(member)
    comment = make_comment(author=member, text="Mine")
    other = make_comment(text="Someone's")
    browser.post(reverse("moderation:report_comment", args=[other.pk]), {"reason": "spam", "details": "My report"})
    decide(moderator("Vitalstatistix"), comment, "hide")
    browser.post(
        reverse("moderation:appeal", args=[ModerationLogEntry.objects.get(action="hide").pk]), {"text": "Mine!"}
    )
    browser.post(reverse("accounts:delete"), {"password": PASSWORD, "comments": DeleteAccountForm.KEEP})
    assert not AuthorNotice.objects.exists()
    assert Appeal.objects.get().text == ""
    assert not Appeal.objects.filter(text__contains="Mine").exists()
    from moderation.models import Report

    assert Report.objects.get().details == ""


def test_a_warned_browser_is_told_privately_and_the_answer_to_its_appeal_stays_off_the_public_log(client):
    post = make_post()
    comment, _ = post_anonymously(client, post, text="Sharp words")
    first, second = moderator("Vitalstatistix"), moderator("Getafix")
    first.post(
        reverse("moderation:sanction_add", args=[comment.pk]),
        {"kind": "warning", "duration": "", "reason_choice": reason("Personal attack"), "reason": "Mind Bob's divorce"},
    )
    told = notices_on(client.get("/"))
    assert len(told) == 1 and "warned" in told[0] and "Personal attack: Mind Bob&#x27;s divorce" in told[0]
    assert "divorce" not in Client().get(reverse("moderation:log")).content.decode()
    warned = ModerationLogEntry.objects.get(action="warn")
    client.post(reverse("moderation:appeal", args=[warned.pk]), {"text": "Bob started it."})
    second.post(
        reverse("moderation:appeal_answer", args=[Appeal.objects.get().pk]),
        {"outcome": "upheld", "reason": "Bob's divorce is still his own business"},
    )
    public_log = Client().get(reverse("moderation:log")).content.decode()
    assert "Appeal answered: decision upheld" in public_log and "divorce" not in public_log
    assert "Bob&#x27;s divorce is still his own business" in " ".join(notices_on(client.get("/")))
    standing = main_text(client.get(reverse("moderation:standing")))
    assert "warned" in standing and "upheld" in standing


def test_reversing_a_hold_approves_only_what_the_hold_alone_kept_back(client):
    from forum.models import CommentPolicy

    open_post, strict_post = make_post(), make_post(comment_policy=CommentPolicy.HOLD_ALL)
    comment, _ = post_anonymously(client, open_post, text="First words")
    first, second = moderator("Vitalstatistix"), moderator("Getafix")
    first.post(
        reverse("moderation:sanction_add", args=[comment.pk]),
        {"kind": "hold", "duration": "24", "reason": "Cool off"},
    )
    post_comment(client, open_post, text="Held by the hold alone")
    post_comment(client, strict_post, text="Held by the post's policy too")
    held = ModerationLogEntry.objects.get(action="hold_person")
    client.post(reverse("moderation:appeal", args=[held.pk]), {"text": "I have cooled off."})
    second.post(
        reverse("moderation:appeal_answer", args=[Appeal.objects.get().pk]), {"outcome": "reversed", "reason": "Fine"}
    )
    assert Comment.objects.get(text="Held by the hold alone").state == Comment.State.PUBLISHED
    assert Comment.objects.get(text="Held by the post's policy too").state == Comment.State.PENDING


def test_a_notice_of_this_browser_can_be_dismissed_from_a_page_opened_by_another_key(client):
    post = make_post()
    kept, _ = post_anonymously(client, post, text="Kept words")
    other, link = post_anonymously(client, post, text="Other words")
    decide(moderator("Vitalstatistix"), kept, "hide")
    page = client.get(link)
    notice = AuthorNotice.objects.get()
    assert f'action="{reverse("moderation:notice_dismiss", args=[notice.pk])}"' in page.content.decode()
    form_key = re.search(r'notice_dismiss.*?name="key" value="([^"]+)"', page.content.decode(), re.S)
    data = {"next": "/"} | ({"key": form_key.group(1)} if form_key else {})
    assert client.post(reverse("moderation:notice_dismiss", args=[notice.pk]), data).status_code == 302
    assert AuthorNotice.objects.get().dismissed_at is not None
