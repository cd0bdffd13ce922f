"""Flood and spam defence: posting limits, the honeypot, the minimum fill time, bans, and IP retention."""

import re
import time
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from forum.lib.keys import form_stamp
from forum.models import Comment
from moderation.models import Ban, ModerationLogEntry
from moderation.services.bans import ban_create, ban_lift
from tests.factories import make_comment, make_member, make_moderator, make_post, post_comment

pytestmark = pytest.mark.django_db


def logged_in(user, **environ) -> Client:
    client = Client(**environ)
    client.force_login(user)
    return client


# Posting limits


def test_one_browser_posting_too_fast_is_told_to_wait_and_keeps_its_text(settings):
    settings.FORUM_COMMENTS_PER_POSTER = 2
    post = make_post()
    browser = Client()
    for number in range(2):
        assert post_comment(browser, post, text=f"Comment {number}").status_code == 302
    refused = post_comment(browser, post, text="One too many")
    assert refused.status_code == 429
    body = refused.content.decode()
    assert "You are posting faster than this forum allows" in body and "One too many" in body
    assert Comment.objects.count() == 2
    # Another browser on another address is not affected.
    assert post_comment(Client(REMOTE_ADDR="198.51.100.7"), post, text="Someone else").status_code == 302


def test_one_address_is_limited_across_browsers(settings):
    settings.FORUM_COMMENTS_PER_IP = 3
    post = make_post()
    for number in range(3):
        assert post_comment(Client(), post, text=f"Comment {number}").status_code == 302
    assert post_comment(Client(), post, text="Fourth from here").status_code == 429
    assert post_comment(Client(REMOTE_ADDR="198.51.100.7"), post, text="Elsewhere").status_code == 302


def test_a_member_is_limited_per_account_across_browsers_but_moderators_are_not(settings):
    settings.FORUM_COMMENTS_PER_POSTER = 1
    post = make_post()
    member = make_member("Getafix")
    assert post_comment(logged_in(member), post, identity="member", text="First").status_code == 302
    elsewhere = logged_in(member, REMOTE_ADDR="198.51.100.7")
    assert post_comment(elsewhere, post, identity="member", text="Second").status_code == 429
    moderator = logged_in(make_moderator("Vitalstatistix"))
    for number in range(3):
        assert post_comment(moderator, post, identity="member", text=f"Moderator {number}").status_code == 302


# Traps for scripts


def test_a_filled_honeypot_is_refused_with_an_explanation(client):
    post = make_post()
    page = client.get(post.get_absolute_url()).content.decode()
    assert 'name="website"' in page and 'tabindex="-1"' in page
    refused = post_comment(client, post, text="Cheap watches", website="https://watches.example.com")
    assert refused.status_code == 400
    assert "“Leave this field empty” was filled in" in refused.content.decode()
    assert not Comment.objects.exists()


def test_a_form_sent_back_too_fast_or_without_its_stamp_is_refused_but_a_patient_one_posts(client, settings):
    settings.FORUM_MIN_FORM_SECONDS = 3
    post = make_post()
    fast = post_comment(client, post, text="Instant", form_stamp=form_stamp())
    assert fast.status_code == 400 and "faster than anyone types" in fast.content.decode()
    assert "Instant" in fast.content.decode()
    missing = post_comment(client, post, text="No stamp")
    assert missing.status_code == 400 and "incomplete or out of date" in missing.content.decode()
    forged = post_comment(client, post, text="Forged", form_stamp="1700000000")
    assert forged.status_code == 400
    assert not Comment.objects.exists()
    patient = post_comment(client, post, text="Took my time", form_stamp=form_stamp(time.time() - 20))
    assert patient.status_code == 302 and Comment.objects.get().text == "Took my time"


def test_the_page_carries_a_fresh_stamp_for_each_form(client, settings):
    settings.FORUM_MIN_FORM_SECONDS = 3
    post = make_post()
    assert 'name="form_stamp"' in client.get(post.get_absolute_url()).content.decode()


# Bans


@pytest.fixture
def moderator():
    return make_moderator("Vitalstatistix")


def test_a_banned_account_is_told_why_and_until_when_and_loses_nothing(moderator):
    member = make_member("Getafix")
    post = make_post()
    comment = make_comment(post=post, author=member, text="Earlier")
    ban_create(kind=Ban.Kind.ACCOUNT, comment=comment, moderator=moderator, days=7, reason="Personal attacks")
    client = logged_in(member)
    for identity in ("member", "anonymous"):  # logging in and posting anonymously does not get round it
        refused = post_comment(client, post, identity=identity, text="Let me back in")
        assert refused.status_code == 403
        body = refused.content.decode()
        assert "your account is banned" in body and "Personal attacks" in body and "Let me back in" in body
        assert "You cannot post here until " in body
    assert Comment.objects.count() == 1


def test_a_banned_name_covers_its_look_alikes(moderator):
    post = make_post()
    comment = make_comment(post=post, author_name="Obelix", text="Earlier")
    ban_create(kind=Ban.Kind.NAME, comment=comment, moderator=moderator, days=None)
    for name in ("Obelix", "0belix", "OBELIX"):
        refused = post_comment(
            Client(REMOTE_ADDR="198.51.100.7"), post, identity="name", author_name=name, text="Me again"
        )
        assert refused.status_code == 403 and "is banned" in refused.content.decode()
        assert "until a moderator lifts the ban" in refused.content.decode()
    assert post_comment(Client(), post, identity="name", author_name="Asterix", text="Fine").status_code == 302


def test_an_address_ban_stores_only_a_keyed_hash_and_stops_that_address(moderator):
    post = make_post()
    post_comment(Client(REMOTE_ADDR="203.0.113.9"), post, text="Spam from here")
    comment = Comment.objects.get()
    assert comment.ip_address == "203.0.113.9"
    ban = ban_create(kind=Ban.Kind.ADDRESS, comment=comment, moderator=moderator, days=1)
    assert "203.0.113.9" not in ban.address_hash and len(ban.address_hash) == 64
    refused = post_comment(Client(REMOTE_ADDR="203.0.113.9"), post, text="More spam")
    assert refused.status_code == 403 and "posting from your network address is banned" in refused.content.decode()
    assert post_comment(Client(REMOTE_ADDR="198.51.100.7"), post, text="Someone else").status_code == 302


def test_bans_expire_and_can_be_lifted_and_both_are_logged(moderator):
    post = make_post()
    comment = make_comment(post=post, author_name="Obelix", text="Earlier")
    ban = ban_create(kind=Ban.Kind.NAME, comment=comment, moderator=moderator, days=1)
    Ban.objects.filter(pk=ban.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert (
        post_comment(Client(), post, identity="name", author_name="Obelix", text="Back after a day").status_code == 302
    )
    second = ban_create(kind=Ban.Kind.NAME, comment=comment, moderator=moderator, days=None)
    client = logged_in(moderator)
    assert "the name “Obelix”" in client.get(reverse("moderation:bans")).content.decode()
    client.post(reverse("moderation:ban_lift", args=[second.pk]), {"reason": "Apologised"})
    assert post_comment(Client(), post, identity="name", author_name="Obelix", text="Forgiven").status_code == 302
    assert list(ModerationLogEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "ban",
        "ban",
        "lift_ban",
    ]
    with pytest.raises(Exception, match="no longer in force"):
        ban_lift(ban=second, moderator=moderator)


def test_the_ban_page_offers_what_the_comment_has_and_never_shows_the_address(moderator):
    post = make_post()
    post_comment(Client(REMOTE_ADDR="203.0.113.9"), post, identity="name", author_name="Obelix", text="Hi")
    comment = Comment.objects.get()
    client = logged_in(moderator)
    for url in (
        reverse("moderation:comment_ban", args=[comment.pk]),
        reverse("moderation:comment", args=[comment.pk]),
        reverse("moderation:queue") + "?tab=held",
        post.get_absolute_url(),
    ):
        assert "203.0.113.9" not in client.get(url).content.decode()
    page = client.get(reverse("moderation:comment_ban", args=[comment.pk])).content.decode()
    assert 'value="name"' in page and 'value="address"' in page and 'value="account"' not in page
    response = client.post(reverse("moderation:comment_ban", args=[comment.pk]), {"kind": "account", "days": "7"})
    assert response.status_code == 400 and not Ban.objects.exists()


# IP retention


def test_addresses_are_dropped_after_the_retention_period(settings):
    settings.FORUM_IP_RETENTION_DAYS = 30
    post = make_post()
    post_comment(Client(REMOTE_ADDR="203.0.113.9"), post, text="Old")
    post_comment(Client(REMOTE_ADDR="203.0.113.10"), post, text="New")
    Comment.objects.filter(text="Old").update(created_at=timezone.now() - timedelta(days=31))
    output = StringIO()
    call_command("purge_ip_addresses", stdout=output)
    assert "Dropped the IP addresses of 1 comment(s)" in output.getvalue()
    assert dict(Comment.objects.values_list("text", "ip_address")) == {"Old": None, "New": "203.0.113.10"}
    call_command("purge_ip_addresses", "--days", "0", stdout=StringIO())
    assert not Comment.objects.filter(ip_address__isnull=False).exists()


def test_a_malformed_proxy_header_is_not_stored_as_an_address(settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    post = make_post()
    client = Client(HTTP_X_FORWARDED_FOR="not-an-address")
    assert post_comment(client, post, text="Behind a proxy").status_code == 302
    assert Comment.objects.get().ip_address is None


def test_a_form_stamp_posts_once_and_not_after_two_hours(client, settings):
    settings.FORUM_MIN_FORM_SECONDS = 3
    post = make_post()
    stamp = form_stamp(time.time() - 20)
    first = post_comment(client, post, text="Once", form_stamp=stamp)
    assert first.status_code == 302
    again = post_comment(Client(), post, text="Twice with the same form", form_stamp=stamp)
    assert again.status_code == 400 and "already been sent" in again.content.decode()
    assert "Twice with the same form" in again.content.decode()
    with time_machine.travel(timezone.now() - timedelta(hours=2, minutes=1)):
        old = form_stamp()
    stale = post_comment(Client(), post, text="From an old tab", form_stamp=old)
    assert stale.status_code == 400 and "more than 2 hours ago" in stale.content.decode()
    assert list(Comment.objects.values_list("text", flat=True)) == ["Once"]


def test_a_refused_post_is_not_counted_against_the_poster(settings):
    """A post turned down (here: closed comments) leaves the flood limit untouched."""
    settings.FORUM_COMMENTS_PER_POSTER = 2
    closed, open_post = make_post(comment_policy="closed"), make_post()
    browser = Client(REMOTE_ADDR="198.51.100.30")
    for _ in range(3):
        assert post_comment(browser, closed, text="Knock knock").status_code == 403
    assert post_comment(browser, open_post, text="First").status_code == 302
    assert post_comment(browser, open_post, text="Second").status_code == 302
    assert post_comment(browser, open_post, text="Third").status_code == 429


def test_throttles_count_first_and_compare_after():
    """Each attempt gets its own count, so no burst slips past the limit between a check and a count."""
    from forum.lib.limits import Throttle

    throttle = Throttle("test-scope", 3, 60)
    assert [throttle.attempt("203.0.113.5") for _ in range(5)] == [True, True, True, False, False]
    throttle.give_back("203.0.113.5")
    assert throttle.attempt("203.0.113.5") is True


def test_concurrent_attempts_never_pass_the_limit():
    from concurrent.futures import ThreadPoolExecutor

    from forum.lib.limits import Throttle

    throttle = Throttle("burst-scope", 5, 60)
    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(lambda _: throttle.attempt("203.0.113.6"), range(64)))
    assert results.count(True) == 5


def test_dates_are_written_one_way_on_the_ban_message_the_bans_page_and_the_log(moderator):
    """ "19:12, 5 December 2026", as comments are named: not "05 December 2026" here and "5 Dec 2026" there."""
    member = make_member("Getafix")
    post = make_post()
    comment = make_comment(post=post, author=member, text="Earlier")
    ban = ban_create(kind=Ban.Kind.ACCOUNT, comment=comment, moderator=moderator, days=7, reason="Personal attacks")
    until, since = timezone.localtime(ban.expires_at), timezone.localtime(ban.created_at)
    refused = post_comment(logged_in(member), post, text="Let me back in").content.decode()
    assert f"until {until:%H:%M}, {until.day} {until:%B %Y}" in refused
    bans = logged_in(moderator).get(reverse("moderation:bans")).content.decode()
    assert f"since {since.day} {since:%B %Y}" in bans and f"until {until:%H:%M}, {until.day} {until:%B %Y}" in bans
    log = logged_in(moderator).get(reverse("moderation:log")).content.decode()
    assert f">{since:%H:%M}, {since.day} {since:%B %Y}</time>" in log
    for page in (refused, bans, log):
        assert not re.search(
            r"\b0\d (January|February|March|April|May|June|July|August|September|October|November|December)", page
        )
        assert not re.search(r"\b\d{1,2} (Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}", page)
