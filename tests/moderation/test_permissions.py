"""Every moderation page and action, for each kind of visitor: only moderators (and editors, on their own
posts' policy) get in; everyone else gets 403 and changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from forum.models import Comment
from moderation.identity import identity_of_comment
from moderation.models import Appeal, Ban, ModerationLogEntry, PersonNote, QuoteFinding, Sanction, WatchedWord
from moderation.services.appeals import appeal_file
from moderation.services.bans import ban_create
from moderation.services.comments import comment_moderate
from moderation.services.people import note_add, sanction_impose
from moderation.services.words import watched_word_add
from tests.factories import make_comment, make_editor, make_member, make_moderator, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """A post by an editor, a held comment, a published one from a known address, and a ban."""
    editor = make_editor("Editrix")
    post = make_post(editor=editor)
    published = make_comment(post=post, author_name="Obelix", text="Menhirs", ip_address="203.0.113.9")
    held = make_comment(post=post, text="Waiting")
    Comment.objects.filter(pk=held.pk).update(state=Comment.State.PENDING)
    moderator = make_moderator("Vitalstatistix")
    ban = ban_create(kind=Ban.Kind.NAME, comment=published, moderator=moderator, days=7)
    person = identity_of_comment(published)
    note = note_add(identity=person, text="Seen before", moderator=moderator, subject_label="Obelix")
    sanction = sanction_impose(
        identity=person, kind="hold", reason="Check first", ends_at=None, moderator=moderator, subject_label="Obelix"
    )
    word = watched_word_add(phrase="menhir dealer", action="hold", moderator=moderator)
    # An appeal of another moderator's decision, and a comment quoting erased words.
    decider = make_moderator("Decider")
    appealed = make_comment(post=post, text="Hidden, then appealed")
    comment_moderate(comment=appealed, action="hide", moderator=decider)
    appeal = appeal_file(entry=ModerationLogEntry.objects.get(comment=appealed), text="Look again")
    sentence = "one two three four five six seven eight nine ten"
    erased = make_comment(post=post, text=sentence)
    make_comment(post=post, text=f"Quoting: {sentence}")
    comment_moderate(comment=erased, action="remove", moderator=decider)
    return {
        "post": post,
        "published": published,
        "held": held,
        "ban": ban,
        "editor": editor,
        "moderator": moderator,
        "note": note,
        "sanction": sanction,
        "word": word,
        "appeal": appeal,
        "finding": QuoteFinding.objects.get(),
    }


def moderation_requests(world):
    """(method, url, data) for every moderation page and action."""
    published, held, post = world["published"], world["held"], world["post"]
    return [
        ("get", reverse("moderation:queue"), {}),
        ("get", reverse("moderation:queue") + "?tab=reported", {}),
        ("get", reverse("moderation:queue") + "?tab=requests", {}),
        ("post", reverse("moderation:queue_act"), {"tab": "held", "act": f"approve:{held.pk}"}),
        ("get", reverse("moderation:comment", args=[published.pk]), {}),
        ("post", reverse("moderation:comment", args=[published.pk]), {"action": "hide"}),
        ("get", reverse("moderation:comment_ban", args=[published.pk]), {}),
        ("post", reverse("moderation:comment_ban", args=[published.pk]), {"kind": "address", "days": "1"}),
        ("get", reverse("moderation:bans"), {}),
        ("post", reverse("moderation:ban_lift", args=[world["ban"].pk]), {}),
        ("get", reverse("moderation:post_policy", args=[post.slug]), {}),
        ("post", reverse("moderation:post_policy", args=[post.slug]), {"policy": "closed"}),
        ("get", reverse("moderation:commenter", args=[published.pk]), {}),
        ("post", reverse("moderation:note_add", args=[published.pk]), {"text": "Another note"}),
        ("post", reverse("moderation:note_delete", args=[world["note"].pk]), {}),
        (
            "post",
            reverse("moderation:sanction_add", args=[published.pk]),
            {"kind": "warning", "duration": "", "reason": "Mind your menhirs"},
        ),
        ("post", reverse("moderation:sanction_lift", args=[world["sanction"].pk]), {}),
        ("get", reverse("moderation:watched_words"), {}),
        ("post", reverse("moderation:watched_words"), {"phrase": "boar", "action": "flag"}),
        ("post", reverse("moderation:watched_words_test"), {"sample": "A menhir dealer"}),
        ("post", reverse("moderation:watched_word_delete", args=[world["word"].pk]), {}),
        ("get", reverse("moderation:queue") + "?tab=appeals", {}),
        ("get", reverse("moderation:queue") + "?tab=quotes", {}),
        (
            "post",
            reverse("moderation:appeal_answer", args=[world["appeal"].pk]),
            {"outcome": "reversed", "reason": "Fair point"},
        ),
        ("post", reverse("moderation:quote_act", args=[world["finding"].pk]), {"act": "remove"}),
    ]


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("visitor", ["anonymous", "commenter", "other editor"])
def test_readers_commenters_and_other_editors_are_refused_everywhere_and_change_nothing(world, visitor):
    user = {"anonymous": None, "commenter": make_member("Getafix"), "other editor": make_editor("Scribe")}[visitor]
    client = client_for(user)
    entries_before = ModerationLogEntry.objects.count()
    for method, url, data in moderation_requests(world):
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, (visitor, method, url)
        assert "Moderation queue" not in response.content.decode()
    assert ModerationLogEntry.objects.count() == entries_before
    assert Comment.objects.get(pk=world["held"].pk).state == Comment.State.PENDING
    assert Comment.objects.get(pk=world["published"].pk).state == Comment.State.PUBLISHED
    assert Ban.objects.active().count() == 1
    assert PersonNote.objects.kept().count() == 1 and Sanction.objects.active().count() == 1
    assert list(WatchedWord.objects.values_list("phrase", flat=True)) == ["menhir dealer"]
    assert Appeal.objects.get().is_open and QuoteFinding.objects.open().exists()


def test_moderators_reach_every_page_and_action(world):
    client = client_for(world["moderator"])
    for method, url, data in moderation_requests(world):
        response = getattr(client, method)(url, data)
        assert response.status_code in (200, 302), (method, url, response.status_code)
    assert Comment.objects.get(pk=world["held"].pk).state == Comment.State.PUBLISHED
    assert Comment.objects.get(pk=world["published"].pk).state == Comment.State.HIDDEN
    assert not Ban.objects.filter(pk=world["ban"].pk).active().exists()
    assert list(PersonNote.objects.kept().values_list("text", flat=True)) == ["Another note"]
    assert list(Sanction.objects.active().values_list("kind", flat=True)) == ["warning"]
    assert list(WatchedWord.objects.values_list("phrase", flat=True)) == ["boar"]
    assert Appeal.objects.get().status == Appeal.Status.REVERSED
    assert not QuoteFinding.objects.open().exists()


def test_an_editor_sets_the_policy_of_their_own_post_only(world):
    client = client_for(world["editor"])
    policy_url = reverse("moderation:post_policy", args=[world["post"].slug])
    assert client.get(policy_url).status_code == 200
    assert client.post(policy_url, {"policy": "hold_all"}).status_code == 302
    assert client.get(reverse("moderation:queue")).status_code == 403
    other_post = make_post()
    assert client.get(reverse("moderation:post_policy", args=[other_post.slug])).status_code == 403


def test_superusers_can_do_everything(world):
    client = client_for(make_member("Chief", is_superuser=True))
    for method, url, data in moderation_requests(world):
        assert getattr(client, method)(url, data).status_code in (200, 302), url


def test_the_public_log_is_open_to_everyone(world):
    assert Client().get(reverse("moderation:log")).status_code == 200


def test_only_moderators_see_the_queue_link_and_moderation_buttons_in_the_thread(world):
    post_url = world["post"].get_absolute_url()
    reader_page = client_for(make_member("Getafix")).get(post_url).content.decode()
    assert "<p class=mod>" not in reader_page and 'id="moderate"' not in reader_page
    assert f'href="{reverse("moderation:queue")}"' not in reader_page
    moderator_page = client_for(world["moderator"]).get(post_url).content.decode()
    assert "<p class=mod>" in moderator_page and 'id="moderate"' in moderator_page
    assert f'href="{reverse("moderation:queue")}"' in moderator_page
