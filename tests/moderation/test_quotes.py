"""Erasure follows the words: comments quoting erased words are found and the quote is taken out in one action."""

import pytest
from django.test import Client
from django.urls import reverse

from forum.models import Comment, QuoteMark
from moderation.models import ModerationLogEntry, QuoteFinding
from tests.factories import make_comment, make_moderator, make_post
from tests.forum.test_author_changes import post_anonymously, remove_url

pytestmark = pytest.mark.django_db

SENTENCE = "My neighbour at number twelve keeps the ferret licence in his shed"


def moderator() -> Client:
    browser = Client()
    browser.force_login(make_moderator())
    return browser


def test_a_quoted_sentence_of_an_erased_comment_is_offered_and_removed_in_one_action():
    post = make_post()
    original = make_comment(post=post, text=f"Gossip. {SENTENCE}. Make of that what you will.")
    # Quoted with other case and spacing, inside a reply that has words of its own.
    quoting = make_comment(
        post=post,
        parent=original,
        text="You wrote:\n> my NEIGHBOUR at number twelve  keeps the ferret\nlicence in his shed\nThat is private!",
    )
    unrelated = make_comment(post=post, text="Ferrets need a licence in some places, I believe.")
    queue = moderator()
    done = queue.post(
        reverse("moderation:comment", args=[original.pk]), {"action": "remove", "reason": "Private information"}
    )
    offered = queue.get(done["Location"]).content.decode()
    assert "1 comment quotes the removed words" in offered and "?tab=quotes" in offered
    finding = QuoteFinding.objects.get()
    assert (finding.comment_id, finding.erased_id) == (quoting.pk, original.pk)
    tab = queue.get(reverse("moderation:queue") + "?tab=quotes").content.decode()
    assert "<mark>my NEIGHBOUR at number twelve  keeps the ferret\nlicence in his shed</mark>" in tab
    queue.post(reverse("moderation:quote_act", args=[finding.pk]), {"act": "remove"})
    quoting.refresh_from_db()
    assert quoting.text == "You wrote:\n> [quoted words removed by a moderator]\nThat is private!"
    assert quoting.edited_at is not None and quoting.state == Comment.State.PUBLISHED
    assert Comment.objects.get(pk=unrelated.pk).text.startswith("Ferrets need")
    entry = ModerationLogEntry.objects.get(action="remove_quote")
    assert entry.comment_id == quoting.pk and SENTENCE.lower() not in entry.detail.lower()
    page = Client().get(post.get_absolute_url()).content.decode()
    assert "ferret licence" not in page.replace("\n", " ") and "[quoted words removed by a moderator]" in page
    assert "Quoted removed words taken out" in Client().get(reverse("moderation:log")).content.decode()
    assert not QuoteFinding.objects.open().exists()


def test_an_authors_own_removal_puts_quotes_of_their_words_in_the_queue(client):
    post = make_post()
    original, _ = post_anonymously(client, post, text=SENTENCE)
    make_comment(post=post, text=f"Did they really say “{SENTENCE}”?")
    client.post(remove_url(original))
    assert Comment.objects.get(pk=original.pk).is_gone
    tab = moderator().get(reverse("moderation:queue") + "?tab=quotes").content.decode()
    assert "Quotes removed words" in tab and "Did they really say" in tab


def test_seven_words_in_common_are_not_a_quote_and_a_kept_finding_closes():
    post = make_post()
    original = make_comment(post=post, text=SENTENCE)
    make_comment(post=post, text="my neighbour at number twelve keeps the cat")  # seven words
    twice = make_comment(post=post, text=f"{SENTENCE}, I heard")
    moderator().post(reverse("moderation:comment", args=[original.pk]), {"action": "remove"})
    finding = QuoteFinding.objects.get()
    assert finding.comment_id == twice.pk
    moderator_client = moderator()
    moderator_client.post(reverse("moderation:quote_act", args=[finding.pk]), {"act": "keep"})
    assert QuoteFinding.objects.get().outcome == QuoteFinding.Outcome.KEPT
    assert Comment.objects.get(pk=twice.pk).text.startswith(SENTENCE)
    again = moderator_client.post(reverse("moderation:quote_act", args=[finding.pk]), {"act": "remove"}, follow=True)
    assert "already dealt with" in again.content.decode()


def test_a_quote_edited_since_it_was_found_is_not_cut_blindly():
    post = make_post()
    original = make_comment(post=post, text=SENTENCE)
    quoting = make_comment(post=post, text=f"Quote: {SENTENCE}")
    moderator().post(reverse("moderation:comment", args=[original.pk]), {"action": "remove"})
    Comment.objects.filter(pk=quoting.pk).update(text=f"Edited. Quote: {SENTENCE}")
    response = moderator().post(
        reverse("moderation:quote_act", args=[QuoteFinding.objects.get().pk]), {"act": "remove"}, follow=True
    )
    assert "was edited after the quote was found" in response.content.decode()
    assert QuoteFinding.objects.open().exists()


def test_erased_words_leave_no_fingerprints_and_edits_refresh_them():
    original = make_comment(text=SENTENCE)
    assert QuoteMark.objects.filter(comment=original).exists()
    moderator().post(reverse("moderation:comment", args=[original.pk]), {"action": "remove"})
    assert not QuoteMark.objects.filter(comment=original).exists()


def test_two_quotes_in_one_comment_go_in_one_action_and_an_erased_quoter_closes_its_finding():
    post = make_post()
    first = make_comment(post=post, text=SENTENCE)
    second = make_comment(post=post, text="The headteacher parks in the disabled bay every single morning of term")
    both = make_comment(
        post=post,
        text=f"{SENTENCE}. And: the headteacher parks in the disabled bay every single morning of term. Wow.",
    )
    gone = make_comment(post=post, text=f"Also: {SENTENCE}")
    queue = moderator()
    for erased in (first, second):
        queue.post(reverse("moderation:comment", args=[erased.pk]), {"action": "remove"})
    queue.post(reverse("moderation:comment", args=[gone.pk]), {"action": "remove"})
    assert QuoteFinding.objects.get(comment=gone).outcome == QuoteFinding.Outcome.GONE
    findings = QuoteFinding.objects.open().filter(comment=both)
    assert findings.count() == 3  # the sentence quoted by `gone` too: the same words, found once more
    queue.post(reverse("moderation:quote_act", args=[findings[0].pk]), {"act": "remove"})
    both.refresh_from_db()
    assert both.text == "[quoted words removed by a moderator]. And: [quoted words removed by a moderator]. Wow."
    assert not QuoteFinding.objects.open().exists()


def test_imported_comments_are_fingerprinted_and_their_quotes_found():
    from django.core.management import call_command

    call_command("import_seeds", stdout=open("/dev/null", "w"))
    imported = Comment.objects.exclude(text="").order_by("pk")
    assert QuoteMark.objects.filter(comment__in=imported).values("comment").distinct().count() > 0.9 * imported.count()
    original = next(comment for comment in imported if len(comment.text.split()) > 30)
    quoting = make_comment(post=original.post, text=f"As someone said: {' '.join(original.text.split()[5:20])}.")
    moderator().post(reverse("moderation:comment", args=[original.pk]), {"action": "remove"})
    assert QuoteFinding.objects.filter(comment=quoting, erased=original).exists()
