"""Names that look like a member's handle or a reserved word are refused, in every script Unicode knows."""

import pytest
from django.test import Client

from accounts.names import name_skeleton
from forum.models import Comment
from tests.factories import make_member, make_post, post_comment

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name, message",
    [
        ("օbelix", "member’s handle"),  # Armenian small oh
        ("Obeꓲix", "member’s handle"),  # Lisu letter I
        ("Оbelix", "member’s handle"),  # Cyrillic capital O
        ("0BELIX", "member’s handle"),
        ("ɑdmin", "is reserved"),  # Latin alpha
        ("Ꭺdministrator", "is reserved"),  # Cherokee A
        ("ꓟoderator", "is reserved"),  # Lisu M
        ("ｍｏｄｅｒａｔｏｒ", "is reserved"),  # full-width
        ("Αnonymous", "is reserved"),  # Greek capital alpha
        ("ɑnon K7Q", "kept for anonymous comments"),
    ],
)
def test_a_look_alike_name_is_refused_on_the_comment_form(name, message):
    make_member("Obelix")
    post = make_post()
    response = post_comment(Client(), post, identity="name", author_name=name, text="Who am I?")
    assert response.status_code == 400 and message in response.content.decode()
    assert not Comment.objects.exists()


def test_names_in_other_scripts_that_look_like_nobody_are_welcome():
    make_member("Obelix")
    post = make_post()
    for name in ("Ηλίας", "Анна", "Mária", "田中"):
        assert post_comment(Client(), post, identity="name", author_name=name, text="Hello").status_code == 302


def test_skeletons_agree_across_case_and_scripts():
    assert (
        len({name_skeleton(name) for name in ("Getafix", "GETAFIX", "Getaf1x", "Gеtafix", "Gétafix", "Ｇetafix")}) == 1
    )
    assert name_skeleton("rnoderator") == name_skeleton("moderator")
    assert name_skeleton("Obelix") != name_skeleton("Asterix")
