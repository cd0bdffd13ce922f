"""Every way to change a comment or a section goes through its service: the admin, authors, account deletion.

For each entry point: the log row, the closed reports, and the erased words
gone from every table (a dump of the whole database), the page, the feeds and search.
"""

import io

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from forum.models import REMOVED_AT_AUTHORS_REQUEST_TEXT, Comment, Post, Submission
from forum.services.comments import PostingRefused, comment_post
from moderation.models import Ban, ModerationLogEntry, RemovalRequest, Report
from moderation.services.bans import ban_create
from tests.factories import PASSWORD, make_comment, make_editor, make_member, make_moderator, make_post

pytestmark = pytest.mark.django_db
Action = ModerationLogEntry.Action


def database_dump() -> str:
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue()


def visible_everywhere(client, post, words) -> dict[str, bool]:
    """Where a reader could still find the words: the post, the home page, both feeds, search."""
    places = {
        "home": client.get(reverse("forum:post_list")),
        "posts feed": client.get(reverse("forum:posts_feed")),
        "comments feed": client.get(reverse("forum:comments_feed")),
        "public log": client.get(reverse("moderation:log")),
    }
    if Post.objects.filter(pk=post.pk, slug=post.slug).exists():
        places["post"] = client.get(post.get_absolute_url())
    found = {name: words in response.content.decode() for name, response in places.items()}
    # The search page repeats the query: what counts is whether it finds anything.
    found["search"] = 'class="search-result' in client.get(reverse("forum:search"), {"q": words}).content.decode()
    return found


def report(comment, address):
    return Client(REMOTE_ADDR=address).post(reverse("moderation:report_comment", args=[comment.pk]), {"reason": "spam"})


@pytest.fixture
def superuser_client():
    client = Client()
    client.force_login(User.objects.create_superuser(handle="Edna", email="edna@example.org", password=PASSWORD))
    return client


def test_an_authors_own_removal_closes_the_reports_on_it(client):
    post = make_post()
    comment = make_comment(post=post, author=make_member("Getafix"), text="Regrettable words")
    report(comment, "203.0.113.1")
    author = Client()
    author.force_login(comment.author)
    author.post(reverse("forum:comment_remove", args=[post.slug, comment.pk]))
    assert Comment.objects.get(pk=comment.pk).state == Comment.State.REMOVED_BY_AUTHOR
    assert not Report.objects.open().exists()
    assert ModerationLogEntry.objects.get(comment=comment).action == Action.REMOVE_BY_AUTHOR
    moderator = Client()
    moderator.force_login(make_moderator())
    assert "open report" not in moderator.get(reverse("moderation:comment", args=[comment.pk])).content.decode()
    assert "Regrettable" not in database_dump()


def test_removing_in_the_admin_leaves_a_tombstone_keeps_the_replies_and_logs(superuser_client, client):
    post = make_post()
    parent = make_comment(post=post, text="Unkind words")
    replies = [make_comment(parent=parent, text=f"Answer {n}") for n in range(3)]
    report(parent, "203.0.113.1")
    response = superuser_client.post(
        reverse("admin:forum_comment_changelist"),
        {"action": "moderate_remove", "_selected_action": [parent.pk], "index": 0},
    )
    assert response.status_code == 302
    assert Comment.objects.get(pk=parent.pk).state == Comment.State.REMOVED_BY_MODERATOR
    assert Comment.objects.filter(pk__in=[reply.pk for reply in replies], state="published").count() == 3
    entry = ModerationLogEntry.objects.get(comment=parent)
    assert (entry.action, entry.moderator.handle) == (Action.REMOVE, "Edna")
    assert not Report.objects.open().exists()
    assert "Unkind" not in database_dump()
    assert not any(visible_everywhere(client, post, "Unkind").values())
    assert "This comment has been removed by a moderator." in client.get(post.get_absolute_url()).content.decode()


def test_an_admin_action_that_does_not_apply_is_refused_with_a_message(superuser_client):
    comment = make_comment(text="Fine words")
    response = superuser_client.post(
        reverse("admin:forum_comment_changelist"),
        {"action": "moderate_approve", "_selected_action": [comment.pk], "index": 0},
        follow=True,
    )
    assert "does not apply to it any more" in response.content.decode()
    assert not ModerationLogEntry.objects.exists()


def admin_post_data(post, **overrides) -> dict:
    """The admin's change form for a post as a browser would send it back, sections included."""
    sections = list(post.sections.all())
    data = {
        "title": post.title,
        "slug": post.slug,
        "published_on": post.published_on.isoformat(),
        "kind": post.kind,
        "editor": post.editor_id or "",
        "comment_policy": post.comment_policy,
        "sections-TOTAL_FORMS": len(sections),
        "sections-INITIAL_FORMS": len(sections),
        "sections-MIN_NUM_FORMS": 0,
        "sections-MAX_NUM_FORMS": 1000,
    }
    for number, section in enumerate(sections):
        prefix = f"sections-{number}-"
        data.update(
            {
                f"{prefix}id": section.pk,
                f"{prefix}post": post.pk,
                f"{prefix}position": section.position,
                f"{prefix}heading": section.heading,
                f"{prefix}body_format": section.body_format,
                f"{prefix}body": section.body,
                f"{prefix}credit": section.credit,
            }
        )
        if section.removed_at_authors_request:
            data[f"{prefix}removed_at_authors_request"] = "on"
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_an_editors_section_edit_in_the_admin_is_sanitised_and_logged(superuser_client, client):
    post = make_post(body="First words.")
    response = superuser_client.post(
        reverse("admin:forum_post_change", args=[post.pk]),
        admin_post_data(post, **{"sections-0-body": "Second <script>words</script>."}),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    section = post.sections.get()
    assert "&lt;script&gt;" in section.body_html
    entry = ModerationLogEntry.objects.get(section=section)
    assert (entry.action, entry.moderator.handle) == (Action.EDIT_SECTION, "Edna")
    assert "Post text edited" in client.get(reverse("moderation:log")).content.decode()


def test_a_piece_removed_in_the_admin_is_erased_everywhere_it_was_copied(superuser_client, client):
    client.post(
        reverse("forum:submission_create"),
        {
            "title": "Zanzibar Confession",
            "text": "Quagmire details of my case.",
            "credit": "name",
            "credit_name": "Pat Q",
        },
    )
    piece = Submission.objects.get()
    editor = Client()
    editor.force_login(make_editor())
    editor.post(reverse("forum:submission_detail", args=[piece.pk]), {"action": "publish", "destination": "new"})
    post = Post.objects.get(title="Zanzibar Confession")
    assert visible_everywhere(client, post, "Zanzibar")["home"]
    # An editor touches the post and the piece in the admin first, so the admin's own history names them.
    superuser_client.post(
        reverse("admin:forum_post_change", args=[post.pk]),
        admin_post_data(post, published_on="2020-01-01", **{"sections-0-credit": "Pat Q (reader)"}),
    )
    history = LogEntry.objects.get(object_repr="Zanzibar Confession")
    assert "\\u201cZanzibar Confession\\u201d in \\u201cZanzibar Confession\\u201d" in history.change_message
    RemovalRequest.objects.create(section=post.sections.get(), reason="Mine; take it down please.")

    response = superuser_client.post(
        reverse("admin:forum_post_change", args=[post.pk]),
        admin_post_data(post, **{"sections-0-removed_at_authors_request": "on"}),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    post.refresh_from_db()
    assert (post.title, post.slug) == (REMOVED_AT_AUTHORS_REQUEST_TEXT, f"removed-{post.pk}")
    section = post.sections.get()
    assert section.removed_at_authors_request and (section.body, section.heading, section.credit) == ("", "", "")
    piece.refresh_from_db()
    assert (piece.title, piece.text, piece.credit_name) == (REMOVED_AT_AUTHORS_REQUEST_TEXT, "", "")
    assert RemovalRequest.objects.get().status == RemovalRequest.Status.GRANTED
    entry = ModerationLogEntry.objects.get(section=section, action=Action.GRANT_REMOVAL_REQUEST)
    assert entry.moderator.handle == "Edna"
    dump = database_dump()
    for words in ("Zanzibar", "Quagmire", "Pat Q"):
        assert words not in dump
        assert not any(visible_everywhere(client, post, words).values())


def test_a_removed_section_stays_removed_in_the_admin(superuser_client):
    post = make_post(body="Words to go.")
    section = post.sections.get()
    superuser_client.post(
        reverse("admin:forum_post_change", args=[post.pk]),
        admin_post_data(post, **{"sections-0-removed_at_authors_request": "on"}),
    )
    section.refresh_from_db()
    assert section.removed_at_authors_request
    response = superuser_client.post(
        reverse("admin:forum_post_change", args=[post.pk]),
        admin_post_data(post, **{"sections-0-removed_at_authors_request": None, "sections-0-body": "Back again"}),
    )
    assert response.status_code == 200 and "stays removed" in response.content.decode()
    section.refresh_from_db()
    assert section.removed_at_authors_request and section.body == ""
    # Nor can the admin delete a section, or a post that has comments.
    assert (
        'name="sections-0-DELETE"'
        not in superuser_client.get(reverse("admin:forum_post_change", args=[post.pk])).content.decode()
    )
    make_comment(post=post)
    assert superuser_client.post(reverse("admin:forum_post_delete", args=[post.pk]), {"post": "yes"}).status_code == 403
    assert Post.objects.filter(pk=post.pk).exists()


def test_an_editor_cannot_set_the_policy_of_another_editors_post_in_the_admin(client):
    owner, other = make_editor("Owner"), make_editor("Other")
    post = make_post(editor=owner)
    client.force_login(other)
    page = client.get(reverse("admin:forum_post_change", args=[post.pk])).content.decode()
    assert 'name="comment_policy"' not in page
    client.post(reverse("admin:forum_post_change", args=[post.pk]), admin_post_data(post, comment_policy="closed"))
    post.refresh_from_db()
    assert post.comment_policy == "" and not ModerationLogEntry.objects.filter(post=post).exists()
    client.force_login(owner)
    response = client.post(
        reverse("admin:forum_post_change", args=[post.pk]), admin_post_data(post, comment_policy="closed")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    post.refresh_from_db()
    assert post.comment_policy == "closed"
    assert ModerationLogEntry.objects.get(post=post).moderator == owner


def test_deleting_a_member_in_the_admin_is_the_account_erasure(superuser_client, client):
    member = make_member("Getafix")
    post = make_post()
    kept_reply = None
    for number in range(3):
        comment = make_comment(post=post, author=member, text=f"Potion recipe {number}")
        kept_reply = make_comment(parent=comment, text="A reply that stays")
    report(comment, "203.0.113.7")
    response = superuser_client.post(reverse("admin:accounts_user_delete", args=[member.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(handle="Getafix").exists()
    gone = Comment.objects.exclude(text="A reply that stays")
    assert set(gone.values_list("state", flat=True)) == {Comment.State.REMOVED_BY_MODERATOR}
    assert Comment.objects.get(pk=kept_reply.pk).state == Comment.State.PUBLISHED
    entries = ModerationLogEntry.objects.filter(action=Action.REMOVE)
    assert entries.count() == 3 and {entry.moderator.handle for entry in entries} == {"Edna"}
    assert not Report.objects.open().exists()
    assert "Potion recipe" not in database_dump()
    assert not any(visible_everywhere(client, post, "Potion recipe").values())


def test_a_banned_member_can_still_delete_their_account_and_the_ban_stays_on_record(client):
    member = make_member("Obelix")
    comment = make_comment(author=member, text="Menhirs")
    ban = ban_create(kind=Ban.Kind.ACCOUNT, comment=comment, moderator=make_moderator(), days=None)
    client.force_login(member)
    response = client.post(reverse("accounts:delete"), {"comments": "remove", "password": PASSWORD})
    assert response.status_code == 302
    ban.refresh_from_db()
    assert ban.user is None and ban.subject_label == "a deleted account"
    assert ModerationLogEntry.objects.filter(ban=ban).exists()


def test_every_entry_point_posts_through_the_same_checks():
    """A ban and closed comments stop a post made straight through the service, as they stop the form."""
    member = make_member("Cacofonix")
    post = make_post()
    ban_create(
        kind=Ban.Kind.ACCOUNT, comment=make_comment(post=post, author=member), moderator=make_moderator(), days=7
    )
    with pytest.raises(PostingRefused, match="your account is banned"):
        comment_post(post=post, text="Sing!", author=member)
    with pytest.raises(PostingRefused, match="your account is banned"):
        comment_post(post=post, text="Sing anonymously!", poster=member)
    closed = make_post(comment_policy="closed")
    with pytest.raises(PostingRefused, match="closed") as refusal:
        comment_post(post=closed, text="Hello")
    assert refusal.value.status == 403
    assert Comment.objects.count() == 1


def _remove_on_the_moderation_page(comment):
    moderator = Client()
    moderator.force_login(make_moderator())
    moderator.post(reverse("moderation:comment", args=[comment.pk]), {"action": "remove", "reason": "Abuse"})
    return Action.REMOVE


def _grant_a_removal_request_in_the_queue(comment):
    Client().post(
        reverse("moderation:ask_to_remove_comment", args=[comment.pk]), {"reason": "I wrote it; please take it down."}
    )
    moderator = Client()
    moderator.force_login(make_moderator())
    request = RemovalRequest.objects.get()
    moderator.post(reverse("moderation:queue_act"), {"tab": "requests", "act": f"grant_request:{request.pk}"})
    return Action.GRANT_REMOVAL_REQUEST


def _delete_the_account_and_its_comments(comment):
    author = Client()
    author.force_login(comment.author)
    author.post(reverse("accounts:delete"), {"comments": "remove", "password": PASSWORD})
    return Action.REMOVE_BY_AUTHOR


def _remove_it_as_its_author(comment):
    author = Client()
    author.force_login(comment.author)
    author.post(reverse("forum:comment_remove", args=[comment.post.slug, comment.pk]))
    return Action.REMOVE_BY_AUTHOR


@pytest.mark.parametrize(
    "remove",
    [
        _remove_on_the_moderation_page,
        _grant_a_removal_request_in_the_queue,
        _delete_the_account_and_its_comments,
        _remove_it_as_its_author,
    ],
)
def test_every_removal_logs_closes_reports_and_leaves_no_word_behind(remove, client):
    post = make_post()
    comment = make_comment(post=post, author=make_member("Getafix"), text="Xylophonic secret")
    reply = make_comment(parent=comment, text="An answer that stays")
    report(comment, "203.0.113.9")
    action = remove(comment)
    assert Comment.objects.get(pk=comment.pk).is_gone
    assert Comment.objects.get(pk=reply.pk).state == Comment.State.PUBLISHED
    assert ModerationLogEntry.objects.filter(comment=comment, action=action).count() == 1
    assert not Report.objects.open().exists()
    assert "Xylophonic" not in database_dump()
    assert not any(visible_everywhere(client, post, "Xylophonic").values())
