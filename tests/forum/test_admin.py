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
            "title": "Bad", "slug": "bad", "published_on": "2021-04-01", "kind": "post", "editor": "",
            "sections-TOTAL_FORMS": "1", "sections-INITIAL_FORMS": "0",
            "sections-MIN_NUM_FORMS": "0", "sections-MAX_NUM_FORMS": "1000",
            "sections-0-position": "1", "sections-0-body_format": "text", "sections-0-body": "nul \x00 byte",
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
    assert editor_client.post(reverse("admin:forum_comment_delete", args=[reply.pk]), {"post": "yes"}).status_code == 403
    assert editor_client.get(reverse("admin:forum_comment_add")).status_code == 403
    reply.refresh_from_db()
    assert (reply.text, reply.state) == ("child", Comment.State.PUBLISHED)


def test_readers_cannot_reach_the_admin(client):
    make_post()
    response = client.get(reverse("admin:forum_post_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
