"""A member downloads what the site keeps about them, from their account page."""

import json

import pytest
from django.urls import reverse

from forum.models import Comment
from forum.services.comments import comment_remove_by_author
from tests.factories import make_comment, make_member, make_post

pytestmark = pytest.mark.django_db


def test_a_member_downloads_their_profile_comments_and_follows(client):
    member = make_member("Getafix", email_on_replies=True)
    other = make_member("Obelix")
    post = make_post(title="Potions")
    kept = make_comment(post=post, author=member, text="My recipe")
    removed = make_comment(post=post, author=member, text="Second thoughts")
    comment_remove_by_author(comment=removed)
    make_comment(post=post, author=other, text="Not mine")
    post.follows.create(user=member)
    client.force_login(member)
    assert reverse("accounts:data") in client.get(reverse("accounts:account")).content.decode()

    response = client.get(reverse("accounts:data"))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="forum-Getafix.json"'
    data = json.loads(response.content)
    assert (data["format"], data["version"]) == ("forum-member-data", 1)
    assert data["profile"]["handle"] == "Getafix" and data["profile"]["email"] == "getafix@example.org"
    assert data["profile"]["email_on_replies"] is True
    comments = {comment["id"]: comment for comment in data["comments"]}
    assert set(comments) == {kept.pk, removed.pk}
    assert comments[kept.pk]["text"] == "My recipe" and comments[kept.pk]["state"] == Comment.State.PUBLISHED
    assert comments[kept.pk]["posted_at"] and comments[kept.pk]["url"].startswith("http://testserver/posts/")
    assert comments[removed.pk]["text"] == "" and comments[removed.pk]["state"] == Comment.State.REMOVED_BY_AUTHOR
    assert [follow["post"] for follow in data["follows"]] == ["Potions"]
    assert "Not mine" not in response.content.decode()
    assert "ip_address" not in response.content.decode()


def test_the_download_needs_a_login(client):
    response = client.get(reverse("accounts:data"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
