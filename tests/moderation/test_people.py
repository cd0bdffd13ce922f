"""Moderating the person, not only the comment: who a commenter is across threads, notes, the ladder of
sanctions short of a ban, heated conversations that cool themselves, and none of it reaching readers."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.services import account_delete
from forum.models import Comment
from forum.services.comments import comment_post
from moderation.identity import identity_of_comment
from moderation.models import ModerationLogEntry, PersonNote, Report, Sanction
from moderation.services.people import note_add, sanction_impose
from tests.factories import make_comment, make_comment_at, make_member, make_moderator, make_post, post_comment

pytestmark = pytest.mark.django_db

State = Comment.State


@pytest.fixture
def moderator():
    return make_moderator("Vitalstatistix")


@pytest.fixture
def moderator_client(moderator):
    client = Client()
    client.force_login(moderator)
    return client


def browser(address: str) -> Client:
    """A reader's browser: it keeps its cookies (so its device cookie) between requests."""
    return Client(REMOTE_ADDR=address)


def newest() -> Comment:
    return Comment.objects.latest("pk")


def commenter_page(client, comment) -> str:
    response = client.get(reverse("moderation:commenter", args=[comment.pk]))
    assert response.status_code == 200
    return response.content.decode()


def sanction(client, comment, **data):
    return client.post(reverse("moderation:sanction_add", args=[comment.pk]), data)


# Who is this


def test_one_browser_is_one_person_across_threads_and_says_what_linked_each_comment(moderator_client):
    first_post, second_post = make_post(title="Ofsted again"), make_post(title="Workload")
    laptop = browser("198.51.100.1")
    post_comment(laptop, first_post, text="First thread, from the laptop")
    from_laptop = newest()
    post_comment(laptop, second_post, text="Second thread, same laptop")
    # A phone on the same office network, and a stranger elsewhere.
    post_comment(browser("198.51.100.1"), second_post, text="A phone in the same office")
    post_comment(browser("203.0.113.50"), second_post, text="Someone else entirely")

    page = commenter_page(moderator_client, from_laptop)

    assert "First thread, from the laptop" in page and "Second thread, same laptop" in page
    assert "Someone else entirely" not in page
    # Readers' per-thread tags differ, so readers cannot link the two; moderators see why they are one.
    first, second = Comment.objects.filter(text__contains="laptop").order_by("pk")
    assert first.anon_tag and first.device_hash == second.device_hash != ""
    assert page.count("Same browser") == 2
    phone = page[page.index("A phone in the same office") - 900 : page.index("A phone in the same office")]
    assert "Same network address" in phone and "Same browser" not in phone
    assert '<dd class="h5">3</dd>' in page  # comments counted


def test_a_typed_name_joins_look_alike_spellings_and_brings_its_other_browsers(moderator_client):
    post = make_post()
    home = browser("198.51.100.2")
    post_comment(home, post, text="Anonymous from home")
    anonymous_at_home = newest()
    post_comment(home, post, identity="name", author_name="Getafix", text="Named, from home")
    post_comment(browser("203.0.113.60"), post, identity="name", author_name="Getaf1x", text="Named, from a cafe")
    post_comment(browser("203.0.113.61"), post, identity="name", author_name="Asterix", text="Not them")

    page = commenter_page(moderator_client, anonymous_at_home)

    assert "Named, from a cafe" in page and "Same typed name" in page
    assert "Not them" not in page


def test_a_members_comments_under_their_handle_are_one_person(moderator_client):
    member = make_member("Getafix")
    one, other = make_post(), make_post()
    first = make_comment(post=one, author=member, text="Handle, thread one")
    make_comment(post=other, author=member, text="Handle, thread two")
    page = commenter_page(moderator_client, first)
    assert "Handle, thread two" in page and page.count("Same account") == 2


def test_the_commenter_page_costs_the_same_queries_however_much_is_shown(moderator, moderator_client):
    post = make_post()
    member = make_member("Getafix")

    def load(comment) -> int:
        with CaptureQueriesContext(connection) as queries:
            commenter_page(moderator_client, comment)
        return len(queries)

    first = make_comment(post=post, author=member, text="One")
    small = load(first)
    person = identity_of_comment(first)
    for number in range(25):
        comment = make_comment(post=post, author=member, text=f"More {number}")
        Report.objects.create(comment=comment, reason="spam", reporter_key=f"r{number}", origin_key=f"o{number}")
        note_add(identity=person, text=f"Note {number}", moderator=moderator, subject_label="Getafix")
    sanction_impose(identity=person, kind="hold", reason="x", ends_at=None, moderator=moderator, subject_label="G")
    assert load(first) == small


# Notes


def test_a_note_is_seen_by_other_moderators_on_the_page_and_in_the_queue_and_its_deletion_is_logged(
    moderator_client,
):
    post = make_post(comment_policy="hold_all")
    reader = browser("198.51.100.3")
    post_comment(reader, post, text="Held words")
    held = newest()
    response = moderator_client.post(
        reverse("moderation:note_add", args=[held.pk]), {"text": "Same person as the spam last week"}
    )
    assert response.status_code == 302

    colleague = Client()
    colleague.force_login(make_moderator("Cacofonix"))
    assert "Same person as the spam last week" in commenter_page(colleague, held)
    queue = colleague.get(reverse("moderation:queue")).content.decode()
    assert "Same person as the spam last week" in queue and "Vitalstatistix" in queue
    # A later comment from the same browser, in another thread, carries the note too.
    post_comment(reader, make_post(comment_policy="hold_all"), text="Again")
    assert colleague.get(reverse("moderation:queue")).content.decode().count("Same person as the spam") == 2

    note = PersonNote.objects.get()
    colleague.post(reverse("moderation:note_delete", args=[note.pk]))
    note.refresh_from_db()
    assert note.text == "" and note.deleted_at
    entry = ModerationLogEntry.objects.get(action="delete_note")
    assert entry.moderator.handle == "Cacofonix"
    assert "delete_note" not in ModerationLogEntry.objects.public().values_list("action", flat=True)
    assert "Same person as the spam" not in commenter_page(colleague, held)


def test_an_empty_or_overlong_note_is_refused_with_a_message_and_the_text_kept(moderator_client):
    comment = make_comment(post=make_post(), author_name="Obelix", text="Menhirs")
    url = reverse("moderation:note_add", args=[comment.pk])
    assert "Write the note before saving it." in moderator_client.post(url, {"text": " "}).content.decode()
    long = "x" * 2001
    response = moderator_client.post(url, {"text": long})
    assert response.status_code == 400 and long in response.content.decode()
    assert PersonNote.objects.count() == 0


def test_a_comment_nothing_identifies_cannot_carry_a_note(moderator_client):
    imported = make_comment(post=make_post(), text="From the old blog")  # no account, name, browser or address
    response = moderator_client.post(reverse("moderation:note_add", args=[imported.pk]), {"text": "Who?"})
    assert response.status_code == 400 and "Nothing identifies this commenter" in response.content.decode()


# The ladder


def test_a_warning_must_be_read_before_the_next_comment_posts_and_the_text_is_kept(moderator_client):
    post = make_post()
    reader = browser("198.51.100.4")
    post_comment(reader, post, text="Rude words")
    sanction(moderator_client, newest(), kind="warning", duration="", reason="Please keep it civil.")

    refused = post_comment(reader, post, text="My next comment")
    body = refused.content.decode()
    assert refused.status_code == 409
    assert "Please keep it civil." in body and "I have read this" in body and "My next comment" in body
    warning = Sanction.objects.get()
    assert post_comment(reader, post, text="My next comment", acknowledged_warning=str(warning.pk)).status_code == 302
    warning.refresh_from_db()
    assert warning.acknowledged_at and not warning.is_active
    assert post_comment(reader, post, text="And another").status_code == 302


def test_two_warnings_are_shown_together_and_one_tick_answers_both(moderator_client):
    post = make_post()
    reader = browser("198.51.100.20")
    post_comment(reader, post, text="Rude words")
    comment = newest()
    sanction(moderator_client, comment, kind="warning", duration="", reason="First warning.")
    sanction(moderator_client, comment, kind="warning", duration="", reason="Second warning.")
    body = post_comment(reader, post, text="Next").content.decode()
    assert "First warning." in body and "Second warning." in body
    newest_warning = Sanction.objects.order_by("pk").last()
    assert post_comment(reader, post, text="Next", acknowledged_warning=str(newest_warning.pk)).status_code == 302
    assert not Sanction.objects.active().exists()


def test_someone_else_on_the_same_network_is_held_back_but_never_reads_the_reasons(moderator_client):
    post = make_post()
    reader = browser("198.51.100.21")
    post_comment(reader, post, text="Trouble")
    comment = newest()
    sanction(moderator_client, comment, kind="warning", duration="", reason="Private warning text.")
    # A stranger on the same address: a warning is not theirs to read or to clear.
    stranger = browser("198.51.100.21")
    assert post_comment(stranger, post, text="Unrelated").status_code == 302
    assert Sanction.objects.get().is_active
    sanction(moderator_client, comment, kind="suspension", duration="24", reason="Private suspension reason.")
    refused = post_comment(stranger, post, text="Unrelated again")
    body = refused.content.decode()
    assert refused.status_code == 403 and "posting from this network or under this name is suspended" in body
    assert "Private" not in body


def test_a_suspension_refuses_until_it_ends_with_the_end_time_and_the_text_kept(moderator_client):
    post = make_post()
    reader = browser("198.51.100.5")
    post_comment(reader, post, identity="name", author_name="Getafix", text="Trouble")
    assert sanction(moderator_client, newest(), kind="suspension", duration="1", reason="Cool off").status_code == 302
    ends = Sanction.objects.get().ends_at

    refused = post_comment(reader, post, identity="name", author_name="Getafix", text="Still here")
    body = refused.content.decode()
    assert refused.status_code == 403
    assert "a moderator has suspended you" in body and "Cool off" in body and "Still here" in body
    assert f"{timezone.localtime(ends):%H:%M}" in body
    # The name is suspended from another browser and address too (by its skeleton).
    assert (
        post_comment(browser("203.0.113.9"), post, identity="name", author_name="GETAFIX", text="x").status_code == 403
    )
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        assert post_comment(reader, post, identity="name", author_name="Getafix", text="Back").status_code == 302


def test_holding_a_person_sends_their_next_comments_to_the_queue_with_the_reason(moderator_client):
    post = make_post()
    reader = browser("198.51.100.6")
    post_comment(reader, post, text="First")
    assert sanction(moderator_client, newest(), kind="hold", duration="", reason="Watch them").status_code == 302
    post_comment(reader, make_post(title="Another"), text="Second, elsewhere")
    held = newest()
    assert held.state == State.PENDING
    queue = moderator_client.get(reverse("moderation:queue")).content.decode()
    assert "Second, elsewhere" in queue and "holds every comment of this commenter" in queue
    assert "Watch them" in queue


def test_lifting_a_sanction_early_is_logged_and_lets_the_person_post(moderator_client):
    post = make_post()
    reader = browser("198.51.100.7")
    post_comment(reader, post, text="First")
    sanction(moderator_client, newest(), kind="suspension", duration="168", reason="A week off")
    assert post_comment(reader, post, text="Refused").status_code == 403
    suspension = Sanction.objects.get()
    moderator_client.post(reverse("moderation:sanction_lift", args=[suspension.pk]), {"note": "Apologised"})
    assert post_comment(reader, post, text="Allowed").status_code == 302
    lifted = ModerationLogEntry.objects.get(action="lift_sanction")
    assert lifted.private_note == "Apologised" and lifted.moderator.handle == "Vitalstatistix"


@pytest.mark.parametrize(
    "data, message",
    [
        ({"kind": "suspension", "duration": "", "reason": "x"}, "A suspension ends"),
        ({"kind": "hold", "duration": "date", "until": "", "reason": "x"}, "Choose the date and time"),
        ({"kind": "hold", "duration": "date", "until": "2001-01-01T10:00", "reason": "x"}, "already past"),
        ({"kind": "warning", "duration": "", "reason": ""}, "Give the reason"),
        ({"kind": "exile", "duration": "", "reason": "x"}, "Select a valid choice"),
        ({"kind": "hold", "duration": "999", "reason": "x"}, "Select a valid choice"),
    ],
)
def test_a_sanction_form_with_bad_input_says_why_and_changes_nothing(moderator_client, data, message):
    comment = make_comment(post=make_post(), author_name="Obelix", text="Menhirs")
    response = sanction(moderator_client, comment, **data)
    assert response.status_code == 400 and message in response.content.decode()
    assert Sanction.objects.count() == 0 and not ModerationLogEntry.objects.exists()


def test_ban_and_hide_all_their_comments_is_one_decision(moderator_client, client):
    post, other = make_post(), make_post()
    reader = browser("198.51.100.8")
    post_comment(browser("198.51.100.8"), other, text="Same office, someone else")
    post_comment(reader, post, identity="name", author_name="Spammer", text="Buy now")
    first = newest()
    post_comment(reader, other, identity="name", author_name="Spammer", text="Buy again")
    response = moderator_client.post(
        reverse("moderation:comment_ban", args=[first.pk]),
        {"kind": "name", "days": "", "hide_all": "on", "reason": "Advertising"},
    )
    assert response.status_code == 302
    assert set(Comment.objects.filter(author_name="Spammer").values_list("state", flat=True)) == {State.HIDDEN}
    # Someone else on the same network keeps their comment; the ban's reason stays off the public record.
    assert Comment.objects.get(text="Same office, someone else").state == State.PUBLISHED
    hides = ModerationLogEntry.objects.filter(action="hide")
    assert hides.count() == 2 and set(hides.values_list("reason", flat=True)) == {""}
    assert "Advertising" not in client.get(first.get_absolute_url()).content.decode()
    assert post_comment(reader, post, identity="name", author_name="Spammer", text="More").status_code == 403


def test_moderators_are_never_sanctioned_by_a_link_they_share(moderator, moderator_client):
    post = make_post()
    comment = make_comment(post=post, author=moderator, text="Moderating")
    sanction_impose(
        identity=identity_of_comment(comment),
        kind="suspension",
        reason="x",
        ends_at=timezone.now() + timedelta(hours=1),
        moderator=moderator,
        subject_label="m",
    )
    assert post_comment(moderator_client, post, identity="member", text="Still posting").status_code == 302


# Public pages, the log, and deletion


def test_sanctions_reach_the_public_log_as_a_commenter_without_name_or_reason(moderator_client, client):
    post = make_post(title="Public thread")
    reader = browser("198.51.100.9")
    post_comment(reader, post, identity="name", author_name="Getafix", text="Trouble")
    sanction(moderator_client, newest(), kind="suspension", duration="24", reason="Private reason here")
    log = client.get(reverse("moderation:log")).content.decode()
    assert "Commenter suspended" in log and "a commenter" in log
    assert "Getafix" not in log and "Private reason here" not in log


def test_nothing_about_people_reaches_readers_anywhere(moderator, moderator_client, client):
    post = make_post(title="Open thread")
    reader = browser("198.51.100.10")
    post_comment(reader, post, identity="name", author_name="Getafix", text="Words about workload")
    comment = newest()
    moderator_client.post(reverse("moderation:note_add", args=[comment.pk]), {"text": "SECRET-NOTE-TEXT"})
    sanction(moderator_client, comment, kind="hold", duration="24", reason="SECRET-SANCTION-REASON")
    moderator_client.post(reverse("moderation:watched_words"), {"phrase": "workload", "action": "flag"})
    post_comment(browser("203.0.113.70"), post, text="More workload talk")
    secrets = ["SECRET-NOTE-TEXT", "SECRET-SANCTION-REASON", comment.device_hash, "Same browser", "watched"]
    secrets += [link[1] for link in identity_of_comment(comment).links()]
    pages = [
        post.get_absolute_url(),
        comment.get_absolute_url(),
        reverse("forum:comment_detail", args=[post.slug, comment.pk]),
        reverse("forum:post_list"),
        reverse("forum:search") + "?q=workload",
        reverse("moderation:log"),
        *[
            reverse("moderation:log_entry", args=[pk])
            for pk in ModerationLogEntry.objects.public().values_list("pk", flat=True)
        ],
        reverse("forum:posts_feed"),
        reverse("forum:post_comments_feed", args=[post.slug]),
        reverse("forum:comments_feed"),
    ]
    for url in pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        body = response.content.decode()
        for secret in secrets:
            assert secret not in body, (url, secret)


def test_notes_on_a_deleted_account_stay_only_as_long_as_a_sanction_on_it(moderator):
    post = make_post()
    kept, erased = make_member("Kept"), make_member("Gone")
    for member in (kept, erased):
        comment = make_comment(post=post, author=member, text="Words")
        note_add(
            identity=identity_of_comment(comment), text=f"About {member.handle}", moderator=moderator, subject_label=""
        )
    suspension = sanction_impose(
        identity=identity_of_comment(Comment.objects.get(author=kept)),
        kind="suspension",
        reason="x",
        ends_at=timezone.now() + timedelta(days=1),
        moderator=moderator,
        subject_label="",
    )
    account_delete(user=erased, keep_comments=True)
    account_delete(user=kept, keep_comments=True)
    assert list(PersonNote.objects.exclude(text="").values_list("text", flat=True)) == ["About Kept"]
    with time_machine.travel(suspension.ends_at + timedelta(minutes=1)):
        call_command("purge_ip_addresses")
    assert not PersonNote.objects.exclude(text="").exists()


def test_browser_hashes_are_forgotten_with_the_addresses(settings):
    settings.FORUM_IDENTITY_RETENTION_DAYS = 10
    post = make_post()
    post_comment(browser("198.51.100.11"), post, text="Old")
    old = newest()
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=11))
    post_comment(browser("198.51.100.11"), post, text="New")
    call_command("purge_ip_addresses")
    assert Comment.objects.get(pk=old.pk).device_hash == ""
    assert newest().device_hash != ""


# Heated conversations


@pytest.fixture
def cooling(settings):
    settings.FORUM_HEATED_WAIT_SECONDS = 120
    settings.FORUM_HEATED_REPLIES = 4
    settings.FORUM_HEATED_WINDOW_MINUTES = 15


def test_a_reported_sub_thread_slows_replies_to_its_newest_comments_and_says_how_long(cooling, moderator_client):
    post = make_post()
    root = make_comment_at(timezone.now() - timedelta(hours=1), post=post, text="Start")
    young = comment_post(post=post, parent=root, text="A sharp reply")
    Report.objects.create(comment=young, reason="abuse", reporter_key="k", origin_key="o")
    reader = browser("198.51.100.12")
    refused = post_comment(reader, post, parent=young, text="An even sharper reply")
    body = refused.content.decode()
    assert refused.status_code == 429
    assert "This conversation is heated" in body and "have been reported" in body and "An even sharper reply" in body
    assert ModerationLogEntry.objects.filter(action="cool_thread", comment=root).count() == 1
    post_comment(reader, post, parent=young, text="Again, too soon")
    assert ModerationLogEntry.objects.filter(action="cool_thread").count() == 1  # once per window
    # Replying to the old comment at its top is not slowed; moderators are never slowed.
    assert post_comment(reader, post, parent=root, text="To the start").status_code == 302
    assert post_comment(moderator_client, post, parent=young, identity="member", text="Calm down").status_code == 302
    with time_machine.travel(timezone.now() + timedelta(seconds=121)):
        assert post_comment(reader, post, parent=young, text="Later").status_code == 302


def test_many_quick_replies_heat_a_sub_thread_but_a_calm_one_is_not_slowed(cooling):
    post = make_post()
    calm = make_comment(post=post, text="Calm")
    assert post_comment(browser("198.51.100.13"), post, parent=calm, text="Quick but calm").status_code == 302
    busy = make_comment(post=post, text="Busy")
    for number in range(4):
        comment_post(post=post, parent=busy, text=f"Back and forth {number}")
    refused = post_comment(browser("198.51.100.14"), post, parent=newest(), text="Me too")
    assert refused.status_code == 429 and "4 or more comments in the last 15 minutes" in refused.content.decode()


def test_the_queue_costs_the_same_queries_with_notes_and_sanctions_beside_more_items(moderator, moderator_client):
    post = make_post(comment_policy="hold_all")

    def held_with_notes(count: int) -> None:
        for number in range(count):
            held = make_comment(post=post, author_name=f"Poster{number}x{count}", text=f"Held {number}")
            person = identity_of_comment(held)
            note_add(identity=person, text=f"Note on {number}", moderator=moderator, subject_label="p")
            sanction_impose(
                identity=person, kind="hold", reason="r", ends_at=None, moderator=moderator, subject_label="p"
            )

    def load() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            page = moderator_client.get(reverse("moderation:queue")).content.decode()
        return len(queries), page

    held_with_notes(2)
    few, _ = load()
    held_with_notes(10)
    many, page = load()
    assert many == few
    assert page.count("queue-note") == 12 and page.count("queue-sanction") == 12
