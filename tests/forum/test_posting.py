import pytest
from django.urls import reverse

from forum.models import Comment
from forum.services.comments import comment_remove_by_author
from tests.factories import make_chain, make_comment, make_post, post_comment
from tests.forum.test_pages import nesting

pytestmark = pytest.mark.django_db


def test_anonymous_comment_lands_on_its_permalink(client):
    post = make_post()
    response = post_comment(client, post, text="Hello from nobody")
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}#c{comment.pk}"
    assert comment.author is None and comment.author_name == "" and comment.level == 0
    page = client.get(response["Location"]).content.decode()
    assert "Hello from nobody" in page and f"<b class=aa>Anon·{comment.anon_tag}</b>" in page
    assert "Your comment is posted." in page


def test_named_comment_shows_the_name(client):
    post = make_post()
    post_comment(client, post, text="Signed words", author_name="  Getafix ")
    assert Comment.objects.get().author_name == "Getafix"
    assert "<b class=an>Getafix</b>" in client.get(post.get_absolute_url()).content.decode()


def test_reply_at_depth_five_and_beyond(client):
    post = make_post()
    chain = make_chain(post=post, depth=5)
    response = post_comment(client, post, parent=chain[-1], text="Six levels down")
    reply = Comment.objects.get(text="Six levels down")
    assert reply.parent == chain[-1] and reply.level == 6
    assert response["Location"].endswith(f"#c{reply.pk}")
    html = client.get(post.get_absolute_url()).content.decode()
    assert (f"c{reply.pk}", 6, f"c{chain[-1].pk}") in nesting(html)


def test_reply_page_works_without_javascript(client):
    post = make_post()
    parent = make_comment(post=post, text="Answer me")
    html = client.get(reverse("forum:comment_reply", args=[post.slug, parent.pk])).content.decode()
    assert "Answer me" in html and '<textarea name="text"' in html


def test_comment_text_is_sanitised_once_on_write(client):
    post = make_post()
    post_comment(client, post, text='<script>alert(1)</script> <a href="javascript:alert(2)">x</a> https://example.org')
    comment = Comment.objects.get()
    assert comment.text.startswith("<script>")  # raw text kept as typed
    assert "<script>" not in comment.html and "javascript:" not in comment.html
    assert 'rel="nofollow ugc noopener"' in comment.html
    page = client.get(post.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


@pytest.mark.parametrize(
    "data, message",
    [
        ({"text": ""}, "Write something before posting."),
        ({"text": "   \n  "}, "Write something before posting."),
        ({"text": "x" * 10_001}, "Ensure this value has at most 10000 characters (it has 10001)."),
        ({"text": "nul \x00 byte"}, "Null characters are not allowed."),
        ({"text": "bell \x07 and escape \x1b"}, "contains control characters"),
        ({"text": "fine", "author_name": "n" * 51}, "Ensure this value has at most 50 characters (it has 51)."),
        ({"text": "fine", "author_name": "bad\x00name"}, "Null characters are not allowed."),
        ({"text": "fine", "author_name": "tab\tname"}, "contains control characters or line breaks"),
        ({"text": "fine", "author_name": "ANONYMOUS"}, "is reserved"),
    ],
)
def test_bad_input_gets_a_clear_error_and_keeps_the_text(client, data, message):
    post = make_post()
    response = post_comment(client, post, **data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert not Comment.objects.exists()
    if data["text"].strip() and "\x00" not in data["text"] and len(data["text"]) < 100:
        assert data["text"] in html  # what they wrote is still in the form


def test_bad_reply_keeps_the_reply_page(client):
    post = make_post()
    parent = make_comment(post=post)
    response = post_comment(client, post, parent=parent, text="")
    assert response.status_code == 400
    assert "Write something before posting." in response.content.decode()
    assert Comment.objects.count() == 1


def test_exactly_ten_thousand_characters_is_accepted(client):
    post = make_post()
    assert post_comment(client, post, text="y" * 10_000).status_code == 302
    assert len(Comment.objects.get().text) == 10_000


def test_reply_to_a_comment_of_another_post_is_404(client):
    post, other = make_post(), make_post()
    foreign = make_comment(post=other)
    assert post_comment(client, post, parent=foreign, text="hi").status_code == 404
    assert Comment.objects.count() == 1


def test_reply_to_a_removed_comment_is_refused_with_a_message(client):
    post = make_post()
    removed = make_comment(post=post)
    comment_remove_by_author(comment=removed)
    response = post_comment(client, post, parent=removed, text="hello?")
    assert response.status_code == 409
    assert "takes no replies" in response.content.decode()
    assert Comment.objects.count() == 1


def test_reply_to_a_pending_comment_is_404(client):
    post = make_post()
    pending = make_comment(post=post)
    Comment.objects.filter(pk=pending.pk).update(state=Comment.State.PENDING)
    assert post_comment(client, post, parent=pending, text="hello?").status_code == 404


def test_get_never_posts(client):
    post = make_post()
    assert client.get(reverse("forum:comment_create", args=[post.slug])).status_code == 405
    assert not Comment.objects.exists()


def test_posting_needs_a_csrf_token():
    from django.test import Client

    post = make_post()
    response = Client(enforce_csrf_checks=True).post(reverse("forum:comment_create", args=[post.slug]), {"text": "x"})
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_new_top_level_comments_get_their_own_trees():
    post = make_post()
    first, second = make_comment(post=post), make_comment(post=post)
    reply = make_comment(parent=first)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.tree_id != second.tree_id
    assert reply.tree_id == first.tree_id
    # A reply shifted only its own tree.
    assert (second.lft, second.rght) == (1, 2)
