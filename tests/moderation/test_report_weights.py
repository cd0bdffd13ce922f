"""Reports weigh by their reporter's record (moderation.reporting): strangers cannot hide a comment by numbers alone."""

import pytest
from django.test import Client
from django.urls import reverse

from forum.models import Comment
from moderation.models import Report
from tests.factories import make_comment, make_moderator

pytestmark = pytest.mark.django_db


def report_from(address: str, comment: Comment, **data):
    return Client(REMOTE_ADDR=address).post(
        reverse("moderation:report_comment", args=[comment.pk]), {"reason": "abuse", **data}
    )


def moderator() -> Client:
    browser = Client()
    browser.force_login(make_moderator())
    return browser


def build_record(addresses: list[str], *, agreed: bool, count: int = 2) -> None:
    """Each address reports `count` comments and a moderator agrees (hides them) or dismisses the reports."""
    queue = moderator()
    for _ in range(count):
        target = make_comment(text="A comment to report")
        for address in addresses:
            report_from(address, target)
        action = "hide" if agreed else "dismiss_reports"
        queue.post(reverse("moderation:queue_act"), {"tab": "reported", "act": f"{action}:{target.pk}"})


def test_three_fresh_addresses_no_longer_hide_a_comment(settings):
    settings.FORUM_REPORTS_TO_HIDE = 3
    comment = make_comment(text="Unpopular but fair")
    for address in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        assert report_from(address, comment).status_code == 302
    assert Comment.objects.get(pk=comment.pk).state == Comment.State.PUBLISHED
    assert sorted(Report.objects.values_list("weight", flat=True)) == [0.5, 0.5, 0.5]
    # The moderators still see every report.
    queue = moderator().get(reverse("moderation:queue") + "?tab=reported").content.decode()
    assert "Unpopular but fair" in queue and "3 open reports" in queue


def test_three_reporters_with_a_good_record_still_hide_it(settings):
    settings.FORUM_REPORTS_TO_HIDE = 3
    trusted = ["198.51.100.1", "198.51.100.2", "198.51.100.3"]
    settings.FORUM_REPORTS_TO_HIDE = 100  # while the record is built, nothing hides by itself
    build_record(trusted, agreed=True)
    settings.FORUM_REPORTS_TO_HIDE = 3
    comment = make_comment(text="Really abusive")
    for address in trusted:
        report_from(address, comment)
    assert Comment.objects.get(pk=comment.pk).state == Comment.State.HIDDEN
    assert set(Report.objects.filter(comment=comment).values_list("weight", flat=True)) == {1.0}


def test_reporters_whose_reports_were_dismissed_weigh_nothing(settings):
    settings.FORUM_REPORTS_TO_HIDE = 100
    build_record(["192.0.2.7"], agreed=False, count=1)
    comment = make_comment(text="Fine")
    report_from("192.0.2.7", comment)
    assert Report.objects.get(comment=comment).weight == 0.0


def test_one_persons_reports_are_capped_per_hour(settings):
    settings.FORUM_REPORTS_PER_PERSON = 2
    comments = [make_comment(text=f"Comment {number}") for number in range(3)]
    # Fresh cookies each time, one address: still one person.
    assert report_from("192.0.2.9", comments[0]).status_code == 302
    assert report_from("192.0.2.9", comments[1]).status_code == 302
    refused = report_from("192.0.2.9", comments[2], details="And this one")
    assert refused.status_code == 429 and "Too many reports from you" in refused.content.decode()
    assert "And this one" in refused.content.decode()
    assert Report.objects.count() == 2


def test_reporters_see_their_reports_outcomes_on_their_standing_page(settings):
    settings.FORUM_REPORTS_TO_HIDE = 100
    reporter = Client(REMOTE_ADDR="192.0.2.10")
    agreed, dismissed = make_comment(text="Spam"), make_comment(text="Fine")
    for comment in (agreed, dismissed):
        reporter.post(reverse("moderation:report_comment", args=[comment.pk]), {"reason": "spam"})
    queue = moderator()
    queue.post(reverse("moderation:queue_act"), {"tab": "reported", "act": f"hide:{agreed.pk}"})
    queue.post(reverse("moderation:queue_act"), {"tab": "reported", "act": f"dismiss_reports:{dismissed.pk}"})
    page = reporter.get(reverse("moderation:standing")).content.decode()
    assert "moderators agreed" in page and "dismissed" in page
