"""The moderation log: every decision on record, never edited; the public page never repeats removed words."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from forum.models import Comment
from moderation.models import Ban, ModerationLogEntry, RemovalRequest
from moderation.services.bans import ban_create
from moderation.services.comments import comment_moderate
from moderation.services.log import log_action
from moderation.services.requests import removal_request_grant
from tests.factories import make_comment, make_moderator, make_post

pytestmark = pytest.mark.django_db

LOG = reverse("moderation:log")


@pytest.fixture
def moderator():
    return make_moderator("Vitalstatistix")


def test_the_public_log_tells_what_happened_without_the_removed_words_or_private_notes(moderator):
    post = make_post(title="Winter pressures")
    removed = make_comment(post=post, author_name="Obelix", text="SECRET-REMOVED-WORDS")
    hidden = make_comment(post=post, text="SECRET-HIDDEN-WORDS")
    granted = make_comment(post=post, text="SECRET-GRANTED-WORDS")
    ban_create(kind=Ban.Kind.NAME, comment=removed, moderator=moderator, days=None, reason="Repeat offender")
    comment_moderate(comment=removed, action="remove", moderator=moderator, reason="Defamatory", note="PRIVATE-NOTE")
    comment_moderate(comment=hidden, action="hide", moderator=moderator, reason="Off-topic")
    removal_request_grant(request=RemovalRequest.objects.create(comment=granted, reason="Mine"), moderator=moderator)
    page = Client().get(LOG).content.decode()
    for action in ("Removed by a moderator", "Hidden by a moderator", "Removed at the author&#x27;s request"):
        assert action in page
    assert "Defamatory" in page and "Off-topic" in page and "Winter pressures" in page
    assert f'href="{removed.get_absolute_url()}"' in page
    secrets = (
        "SECRET-REMOVED-WORDS",
        "SECRET-HIDDEN-WORDS",
        "SECRET-GRANTED-WORDS",
        "PRIVATE-NOTE",
        "Obelix",
        "Vitalstatistix",
    )
    for secret in secrets + ("Repeat offender", "Banned"):
        assert secret not in page


def test_moderators_see_who_acted_their_notes_and_bans(moderator):
    comment = make_comment(author_name="Obelix", text="Spam")
    ban_create(kind=Ban.Kind.NAME, comment=comment, moderator=moderator, days=7)
    comment_moderate(comment=comment, action="remove", moderator=moderator, note="PRIVATE-NOTE")
    public = Client().get(LOG).content.decode()
    assert "Banned" not in public and "PRIVATE-NOTE" not in public
    client = Client()
    client.force_login(moderator)
    page = client.get(LOG).content.decode()
    assert "PRIVATE-NOTE" in page and "Vitalstatistix" in page
    assert "Banned: For 7 days" in page and "the name “Obelix”" in page


def test_log_entries_are_never_edited(moderator):
    entry = log_action(action="hide", moderator=moderator, comment=make_comment())
    entry.reason = "rewritten history"
    with pytest.raises(ValueError, match="never edited"):
        entry.save()


def test_a_log_entry_points_at_exactly_one_thing(moderator):
    comment = make_comment()
    with pytest.raises(ValidationError, match="exactly one"):
        log_action(action="hide", moderator=moderator)
    with pytest.raises(ValidationError, match="exactly one"):
        log_action(action="hide", moderator=moderator, comment=comment, post=comment.post)
    # The database enforces it too, for writes that skip validation.
    with pytest.raises(IntegrityError), transaction.atomic():
        ModerationLogEntry.objects.create(action="hide")


def test_an_action_and_its_log_row_are_written_together_or_not_at_all(moderator, monkeypatch):
    comment = make_comment(text="Stays up")

    def failing_log(**kwargs):
        raise RuntimeError("the log is unavailable")

    monkeypatch.setattr("moderation.services.comments.log_action", failing_log)
    with pytest.raises(RuntimeError):
        comment_moderate(comment=comment, action="hide", moderator=moderator)
    assert Comment.objects.get(pk=comment.pk).state == Comment.State.PUBLISHED


def test_a_logged_comment_cannot_be_deleted_out_from_under_its_record(moderator):
    from django.db.models import ProtectedError

    comment = make_comment()
    comment_moderate(comment=comment, action="hide", moderator=moderator)
    with pytest.raises(ProtectedError):
        comment.delete()


def test_the_log_pages_through_older_entries(settings, moderator):
    settings.FORUM_LOG_PAGE_SIZE = 2
    for _ in range(3):
        comment_moderate(comment=make_comment(), action="hide", moderator=moderator)
    first = Client().get(LOG).content.decode()
    assert first.count('class="log-entry"') == 2 and "Older entries" in first
    assert Client().get(LOG + "?page=2").content.decode().count('class="log-entry"') == 1


def test_the_public_log_says_nothing_of_a_post_before_it_is_published(moderator):
    from datetime import timedelta

    from django.utils import timezone

    from moderation.services.policies import post_policy_set

    scheduled = make_post(title="Secret Scoop", published_on=timezone.localdate() + timedelta(days=3))
    post_policy_set(post=scheduled, policy="closed", moderator=moderator, reason="Embargoed until Friday")
    public = Client().get(LOG).content.decode()
    assert "Secret Scoop" not in public and "Embargoed" not in public
    moderators_view = Client()
    moderators_view.force_login(moderator)
    assert "Secret Scoop" in moderators_view.get(LOG).content.decode()
    type(scheduled).objects.filter(pk=scheduled.pk).update(published_on=timezone.localdate())
    assert "Secret Scoop" in Client().get(LOG).content.decode()
