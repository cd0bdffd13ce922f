"""Editors publish posts and manage comments through the Django admin."""

import pytest
from django.urls import reverse

from accounts.models import User
from forum.models import Comment, Post
from tests.factories import make_comment, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    editor = User.objects.create_superuser(handle="Edna", email="edna@example.org", password="a long passphrase")
    client.force_login(editor)
    client.editor = editor
    return client


def test_editor_publishes_a_post_with_sections(editor_client):
    response = editor_client.post(
        reverse("admin:forum_post_add"),
        {
            "title": "A New Post",
            "slug": "a-new-post",
            "published_on": "2021-04-01",
            "kind": "post",
            "editor": "",
            "sections-TOTAL_FORMS": "2",
            "sections-INITIAL_FORMS": "0",
            "sections-MIN_NUM_FORMS": "0",
            "sections-MAX_NUM_FORMS": "1000",
            "sections-0-position": "1",
            "sections-0-body_format": "text",
            "sections-0-body": "Editor's words with <script>x</script>.\n\nhttps://example.org",
            "sections-1-position": "2",
            "sections-1-body_format": "text",
            "sections-1-body": "",
            "sections-1-removed_at_authors_request": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    post = Post.objects.get(slug="a-new-post")
    assert post.editor == editor_client.editor
    first, second = post.sections.all()
    assert "&lt;script&gt;" in first.body_html and 'rel="nofollow ugc noopener"' in first.body_html
    assert second.removed_at_authors_request and second.body == ""
    page = editor_client.get(post.get_absolute_url()).content.decode()
    assert "Removed at author" in page and "Editor" in page


def test_section_with_nul_byte_gets_a_form_error(editor_client):
    response = editor_client.post(
        reverse("admin:forum_post_add"),
        {
            "title": "Bad",
            "slug": "bad",
            "published_on": "2021-04-01",
            "kind": "post",
            "editor": "",
            "sections-TOTAL_FORMS": "1",
            "sections-INITIAL_FORMS": "0",
            "sections-MIN_NUM_FORMS": "0",
            "sections-MAX_NUM_FORMS": "1000",
            "sections-0-position": "1",
            "sections-0-body_format": "text",
            "sections-0-body": "nul \x00 byte",
        },
    )
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    assert not Post.objects.exists()


def test_the_comment_admin_shows_comments_but_changes_none_by_hand(editor_client):
    """Words and states change through the services, which keep the record: the admin has no form to edit them."""
    parent = make_comment(text="parent")
    reply = make_comment(parent=parent, text="child")
    assert editor_client.get(reverse("admin:forum_comment_changelist")).status_code == 200
    assert editor_client.get(reverse("admin:forum_comment_change", args=[reply.pk])).status_code == 200
    edit = editor_client.post(
        reverse("admin:forum_comment_change", args=[reply.pk]),
        {"post": parent.post_id, "parent": parent.pk, "text": "edited", "state": "removed_by_moderator"},
    )
    assert edit.status_code == 403
    assert (
        editor_client.post(reverse("admin:forum_comment_delete", args=[reply.pk]), {"post": "yes"}).status_code == 403
    )
    assert editor_client.get(reverse("admin:forum_comment_add")).status_code == 403
    reply.refresh_from_db()
    assert (reply.text, reply.state) == ("child", Comment.State.PUBLISHED)


def test_readers_cannot_reach_the_admin(client):
    make_post()
    response = client.get(reverse("admin:forum_post_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def post_form(**sections) -> dict:
    """The admin's add or change form for a post, with its sections' fields as `sections-0-body=...`."""
    data = {
        "title": "Two Parts",
        "slug": "two-parts",
        "published_on": "2021-04-01",
        "kind": "post",
        "editor": "",
        "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "1000",
    }
    data.update({key.replace("__", "-"): value for key, value in sections.items()})
    return data


def test_two_new_sections_with_no_position_save_in_order(editor_client):
    # What "Add another Post section" sends: a second form whose position was never typed.
    response = editor_client.post(
        reverse("admin:forum_post_add"),
        post_form(
            sections__TOTAL_FORMS="2",
            sections__INITIAL_FORMS="0",
            sections__0__position="",
            sections__0__body_format="text",
            sections__0__body="First part.",
            sections__1__position="",
            sections__1__body_format="text",
            sections__1__body="Second part.",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    post = Post.objects.get(slug="two-parts")
    assert [(s.position, s.body) for s in post.sections.all()] == [(1, "First part."), (2, "Second part.")]


def test_the_add_form_offers_an_empty_position_not_zero(editor_client):
    html = editor_client.get(reverse("admin:forum_post_add")).content.decode()
    assert 'name="sections-0-position"' in html and 'name="sections-0-position" value="0"' not in html
    assert 'name="sections-__prefix__-position" value="0"' not in html


def test_sections_can_swap_places_and_a_shared_position_is_refused_with_a_message(editor_client):
    post = make_post(slug="two-parts", title="Two Parts")
    second = post.sections.create(position=2, body="Second part.", body_html="<p>Second part.</p>")
    first = post.sections.get(position=1)
    common = {
        "sections__TOTAL_FORMS": "2",
        "sections__INITIAL_FORMS": "2",
        "sections__0__id": str(first.pk),
        "sections__0__post": str(post.pk),
        "sections__0__body_format": "text",
        "sections__0__body": first.body,
        "sections__1__id": str(second.pk),
        "sections__1__post": str(post.pk),
        "sections__1__body_format": "text",
        "sections__1__body": second.body,
    }
    change = reverse("admin:forum_post_change", args=[post.pk])
    clash = editor_client.post(change, post_form(**common, sections__0__position="2", sections__1__position="2"))
    assert clash.status_code == 200
    assert "cannot share position 2" in clash.content.decode()
    swap = editor_client.post(change, post_form(**common, sections__0__position="2", sections__1__position="1"))
    assert swap.status_code == 302, swap.content.decode()[:3000]
    assert [s.pk for s in Post.objects.get(pk=post.pk).sections.all()] == [second.pk, first.pk]
