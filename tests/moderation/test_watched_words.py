"""Watched words: refuse, hold or flag, matched on whole words after folding case and look-alikes, shown in the
queue with the entry and the place it matched; plain words only, a bounded list, and a box to test a text."""

import pytest
from django.test import Client
from django.urls import reverse

from forum.models import Comment
from moderation.models import Report, ScreeningHit, WatchedWord
from moderation.services.words import watched_word_add
from tests.factories import make_member, make_moderator, make_post, post_comment

pytestmark = pytest.mark.django_db

State = Comment.State
WATCHED = reverse("moderation:watched_words")


@pytest.fixture
def moderator():
    return make_moderator("Vitalstatistix")


@pytest.fixture
def moderator_client(moderator):
    client = Client()
    client.force_login(moderator)
    return client


def watch(moderator, phrase, action):
    return watched_word_add(phrase=phrase, action=action, moderator=moderator)


def newest() -> Comment:
    return Comment.objects.latest("pk")


@pytest.mark.parametrize("text", ["Cheap SPAM here", "cheap sp4m here", "ѕpam (Cyrillic ѕ)", "a $pam offer", "Spam!"])
def test_a_refused_word_is_refused_in_any_disguise_with_the_reason_and_the_text_kept(moderator, client, text):
    watch(moderator, "spam", "refuse")
    post = make_post()
    response = post_comment(client, post, text=text)
    body = response.content.decode()
    assert response.status_code == 400
    assert "This forum does not accept comments containing" in body and "spam" in body
    assert text.replace("&", "&amp;").split()[0] in body
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "text", ["sp<b></b>am", "sp<!-- -->am", "sp&#97;m", "sp\u200bam", "sp\u00adam", "spa\u0301m", "<i>SPAM</i>"]
)
def test_markup_and_invisible_characters_do_not_hide_a_word(moderator, client, text):
    watch(moderator, "spam", "refuse")
    assert post_comment(client, make_post(), text=f"Cheap {text} here").status_code == 400


@pytest.mark.parametrize("watched, text", [("bum", "burn"), ("heil", "hell"), ("mall", "mail"), ("dip", "clip")])
def test_ordinary_words_are_not_folded_into_watched_ones(moderator, client, watched, text):
    watch(moderator, watched, "refuse")
    assert post_comment(client, make_post(), text=f"A {text} today").status_code == 302


def test_a_phrase_that_folds_too_long_is_refused_with_a_message(moderator_client):
    response = moderator_client.post(WATCHED, {"phrase": "\ufdfa" * 100, "action": "hold"})
    assert response.status_code == 400 and "too long once its characters are spelled out" in response.content.decode()


def test_an_edit_replaces_what_the_old_words_matched(moderator, client):
    watch(moderator, "ofsted", "flag")
    post_comment(client, make_post(), text="Ofsted came")
    comment = newest()
    edit = reverse("forum:comment_edit", args=[comment.post.slug, comment.pk])
    client.post(edit, {"text": "Nobody came, then Ofsted"})
    hit = ScreeningHit.objects.get()
    assert hit.snippet[1] == "Ofsted"
    client.post(edit, {"text": "Nobody came"})
    assert not ScreeningHit.objects.exists() and not Report.objects.open().exists()


@pytest.mark.parametrize("text", ["A spammer is not spam", "Spammy", "spa m", "aspam"])
def test_only_whole_words_match(moderator, client, text):
    watch(moderator, "spam", "refuse")
    if text == "A spammer is not spam":
        assert post_comment(client, make_post(), text=text).status_code == 400
    else:
        assert post_comment(client, make_post(), text=text).status_code == 302


def test_a_phrase_matches_its_words_in_order_across_spacing_and_punctuation(moderator, client):
    watch(moderator, "free money", "hold")
    post = make_post()
    post_comment(client, post, text="Money free: nothing")
    assert newest().state == State.PUBLISHED
    post_comment(client, post, text="Get FREE\n\nmoney, now")
    assert newest().state == State.PENDING


def test_a_held_comment_shows_in_the_queue_with_the_entry_and_where_it_matched(moderator, moderator_client, client):
    watch(moderator, "payday loan", "hold")
    post_comment(client, make_post(), text="Friends, a Payday  Loan changed my life entirely.")
    held = newest()
    assert held.state == State.PENDING
    hit = ScreeningHit.objects.get()
    assert hit.snippet[1] == "Payday  Loan"
    queue = moderator_client.get(reverse("moderation:queue")).content.decode()
    assert "watched word “payday loan”" in queue and "<mark>Payday  Loan</mark>" in queue
    assert "Friends, a " in queue


def test_a_flagged_comment_is_published_and_waits_on_the_reported_tab_without_being_hidden(
    moderator, moderator_client, client, settings
):
    settings.FORUM_REPORTS_TO_HIDE = 1
    watch(moderator, "ofsted", "flag")
    post_comment(client, make_post(), text="Ofsted came today")
    flagged = newest()
    assert flagged.state == State.PUBLISHED
    report = Report.objects.get()
    assert report.reporter is None and report.origin_key == "" and "ofsted" in report.details
    reported = moderator_client.get(reverse("moderation:queue") + "?tab=reported").content.decode()
    assert "Ofsted came today" in reported and "Publish, and flag to the Reported tab: watched word" in reported


def test_an_edit_meets_the_watched_words_too(moderator, client):
    watch(moderator, "casino", "hold")
    watch(moderator, "scam", "refuse")
    post_comment(client, make_post(), text="Innocent words")
    comment = newest()
    edit = reverse("forum:comment_edit", args=[comment.post.slug, comment.pk])
    refused = client.post(edit, {"text": "Now a scam"})
    assert refused.status_code == 400 and "does not accept comments containing" in refused.content.decode()
    client.post(edit, {"text": "Now a casino"})
    comment.refresh_from_db()
    assert comment.state == State.PENDING and comment.text == "Now a casino"


def test_moderators_posts_are_not_screened(moderator, moderator_client):
    watch(moderator, "spam", "refuse")
    assert post_comment(moderator_client, make_post(), identity="member", text="Quoting: spam").status_code == 302


@pytest.mark.parametrize(
    "phrase, message",
    [
        ("sp.m*", "Use plain words and spaces only"),
        ("(free|cheap) money", "Use plain words and spaces only"),
        ("^spam$", "Use plain words and spaces only"),
        ("   ", "Type a word or a phrase to watch for."),
        ("one two three four five six seven", "at most 6 words"),
        ("x" * 101, "at most 100 characters"),
    ],
)
def test_a_pattern_or_bad_entry_is_refused_with_a_message(moderator_client, phrase, message):
    response = moderator_client.post(WATCHED, {"phrase": phrase, "action": "hold"})
    assert response.status_code == 400 and message in response.content.decode()
    assert not WatchedWord.objects.exists()


def test_the_same_words_twice_and_a_full_list_are_refused(moderator, moderator_client, settings):
    watch(moderator, "Spam", "hold")
    response = moderator_client.post(WATCHED, {"phrase": "SP4M", "action": "refuse"})
    assert response.status_code == 400 and "already on the list" in response.content.decode()
    settings.FORUM_WATCHED_WORDS_MAX = 1
    response = moderator_client.post(WATCHED, {"phrase": "other", "action": "refuse"})
    assert response.status_code == 400 and "at most 1 entries" in response.content.decode()
    assert WatchedWord.objects.count() == 1


def test_the_test_box_shows_what_a_sample_would_trigger_and_keeps_nothing(moderator, moderator_client):
    watch(moderator, "spam", "refuse")
    watch(moderator, "ofsted", "flag")
    response = moderator_client.post(reverse("moderation:watched_words_test"), {"sample": "Ofsted sent SPAM"})
    body = response.content.decode()
    assert "<mark>Ofsted</mark>" in body and "<mark>SPAM</mark>" in body and "Refuse" in body
    quiet = moderator_client.post(reverse("moderation:watched_words_test"), {"sample": "Nothing here"}).content
    assert "Nothing on the list matches" in quiet.decode()
    assert not Comment.objects.exists() and not ScreeningHit.objects.exists()


def test_deleting_an_entry_stops_it_matching(moderator, moderator_client, client):
    entry = watch(moderator, "spam", "refuse")
    moderator_client.post(reverse("moderation:watched_word_delete", args=[entry.pk]))
    assert post_comment(client, make_post(), text="spam").status_code == 302


def test_a_member_is_screened_like_anyone(moderator):
    watch(moderator, "spam", "hold")
    member = Client()
    member.force_login(make_member("Getafix"))
    post_comment(member, make_post(), identity="member", text="spam")
    assert newest().state == State.PENDING
