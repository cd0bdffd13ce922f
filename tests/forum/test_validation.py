"""Writes that bypass forms still validate: PostgreSQL would raise DataError, SQLite would store junk."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from forum.models import Comment, Post
from forum.services.comments import comment_import, comment_post
from tests.factories import make_comment, make_post

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "fields",
    [
        {"text": "nul \x00 byte"},
        {"text": "z" * 10_001},
        {"text": "fine", "author_name": "n" * 51},
        {"text": "fine", "author_name": "nul\x00"},
        {"text": "   "},
    ],
)
def test_comment_service_refuses_invalid_values_on_every_database(fields):
    post = make_post()
    with pytest.raises(ValidationError):
        comment_post(post=post, **fields)
    assert not Comment.objects.exists()


def test_reply_must_belong_to_the_same_post():
    parent = make_comment()
    with pytest.raises(ValidationError):
        comment_post(post=make_post(), parent=parent, text="stray")
    assert Comment.objects.count() == 1


def test_removed_comment_keeps_no_text():
    post = make_post()
    with pytest.raises(ValidationError):
        comment_import(post=post, text="words", state=Comment.State.REMOVED_BY_AUTHOR)


def test_post_title_validation():
    post = Post(title="bad \x00 title", slug="bad")
    with pytest.raises(ValidationError):
        post.full_clean()


def test_handles_are_unique_whatever_their_case():
    User.objects.create_user(handle="Getafix", email="g@example.org", password="a long passphrase")
    with pytest.raises(ValidationError, match="already taken"):
        User.objects.create_user(handle="getafix", email="h@example.org", password="a long passphrase")
    assert User.objects.get_by_natural_key("GETAFIX").handle == "Getafix"


@pytest.mark.parametrize("handle", ["ab", "x" * 31, "has space", "semi;colon", "nul\x00"])
def test_handles_are_validated(handle):
    with pytest.raises(ValidationError):
        User.objects.create_user(handle=handle, email="a@example.org", password="a long passphrase")
