"""The three ways to post: as a member, under a typed name, or as Anonymous with a per-thread tag."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from forum.lib import cookies, keys
from forum.models import Comment
from tests.factories import make_member, make_post, post_comment

pytestmark = pytest.mark.django_db


def test_a_member_posts_under_their_handle(client):
    member = make_member("Getafix")
    client.force_login(member)
    post = make_post()
    form = client.get(post.get_absolute_url()).content.decode()
    assert 'value="member"' in form and "Getafix, your handle" in form
    response = post_comment(client, post, identity="member", text="Signed")
    comment = Comment.objects.get()
    assert comment.author == member and comment.author_name == "" and comment.anon_tag == ""
    assert comment.removal_key_hash == ""  # the session is the proof; no key is made
    assert cookies.REMOVAL_KEYS_COOKIE not in response.cookies
    page = client.get(post.get_absolute_url()).content.decode()
    assert "<a class=am href=/u/Getafix/" in page


def test_a_member_may_still_post_under_a_name_or_anonymously(client):
    client.force_login(make_member("Getafix"))
    post = make_post()
    post_comment(client, post, identity="name", author_name="Druid", text="As a name")
    post_comment(client, post, identity="anonymous", text="As nobody")
    named, anonymous = Comment.objects.order_by("pk")
    assert named.author is None and named.author_name == "Druid"
    assert anonymous.author is None and anonymous.anon_tag


def test_posting_as_a_member_needs_a_login(client):
    post = make_post()
    response = post_comment(client, post, identity="member", text="Pretending")
    assert response.status_code == 400 and "Select a valid choice." in response.content.decode()
    assert not Comment.objects.exists()


def test_the_three_identities_render_distinctly(client):
    post = make_post()
    member = make_member("Getafix")
    client.force_login(member)
    post_comment(client, post, identity="member", text="one")
    post_comment(client, post, identity="name", author_name="Obelix", text="two")
    post_comment(client, post, identity="anonymous", text="three")
    page = client.get(post.get_absolute_url()).content.decode()
    assert "<a class=am href=/u/Getafix/>Getafix</a>" in page
    assert "<b class=an>Obelix</b>" in page
    assert "<b class=aa>Anon·" in page
    # A typed name is marked "not registered" once, by the stylesheet, rather than in every comment.
    stylesheet = Path(finders.find("forum/forum.css")).read_text()
    assert '.an::after { content: "not registered";' in stylesheet


@pytest.mark.parametrize(
    "name, message",
    [
        ("Getafix", "is a member’s handle, or looks like one"),
        ("getafix", "is a member’s handle, or looks like one"),
        ("GetafiX", "is a member’s handle, or looks like one"),
        ("Getaf1x", "is a member’s handle, or looks like one"),
        ("Gétafix", "is a member’s handle, or looks like one"),
        ("Ｇｅｔａｆｉｘ", "is a member’s handle, or looks like one"),  # full-width, folded by NFKC
        ("Gеtafix", "is a member’s handle, or looks like one"),  # Cyrillic е
        ("Get afix", "is a member’s handle, or looks like one"),
        ("Anonymous", "is reserved"),
        ("ADMIN", "is reserved"),
        ("m0derator", "is reserved"),
        ("[deleted account]", "is reserved"),
        ("Anon·K7Q", "kept for anonymous comments"),
        ("anon 19:12", "kept for anonymous comments"),
        ("- · -", "at least one letter or digit"),
    ],
)
def test_a_typed_name_may_not_pass_for_a_member_or_the_site(client, name, message):
    make_member("Getafix")
    post = make_post()
    response = post_comment(client, post, identity="name", author_name=name, text="My words stay")
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert "My words stay" in page  # the text is kept for another try
    assert not Comment.objects.exists()


def test_a_name_is_required_when_posting_under_a_name(client):
    response = post_comment(client, make_post(), identity="name", author_name="  ", text="Words")
    assert response.status_code == 400 and "Type the name to post under" in response.content.decode()


def test_a_typed_name_with_another_choice_is_questioned_not_dropped(client):
    response = post_comment(client, make_post(), identity="anonymous", author_name="Obelix", text="Words")
    assert response.status_code == 400
    assert "You typed a name but chose to post another way." in response.content.decode()
    assert not Comment.objects.exists()


def test_a_remembered_name_does_not_stand_in_the_way_of_another_choice(client):
    post = make_post()
    post_comment(client, post, identity="name", author_name="Obelix", text="Named")
    # The form comes back with the name filled in; choosing Anonymous leaves it there.
    response = post_comment(client, post, identity="anonymous", author_name="Obelix", text="Unnamed")
    assert response.status_code == 302
    assert Comment.objects.get(text="Unnamed").author_name == ""
    client.force_login(make_member("Getafix"))
    post_comment(client, post, identity="member", author_name="Obelix", text="As a member")
    assert Comment.objects.get(text="As a member").author.handle == "Getafix"


def test_the_browser_remembers_the_last_name_used(client):
    post = make_post()
    response = post_comment(client, post, identity="name", author_name="Cétautomatix", text="Fish")
    assert cookies.NAME_COOKIE in response.cookies
    form = client.get(post.get_absolute_url()).content.decode()
    assert 'name="author_name" value="Cétautomatix"' in form
    assert re.search(r'name="identity" value="name"\s+id="id_identity_0" checked', form)


def test_an_anonymous_poster_keeps_one_tag_throughout_a_thread(client):
    post = make_post()
    post_comment(client, post, identity="anonymous", text="First")
    first = Comment.objects.get()
    post_comment(client, post, parent=first, identity="anonymous", text="Second")
    second = Comment.objects.get(text="Second")
    assert len(first.anon_tag) == 3 and second.anon_tag == first.anon_tag
    page = client.get(post.get_absolute_url()).content.decode()
    assert page.count(f"Anon·{first.anon_tag}<") == 2


def test_different_browsers_get_different_tags(client):
    post = make_post()
    post_comment(client, post, identity="anonymous", text="From one browser")
    post_comment(Client(), post, identity="anonymous", text="From another")
    one, other = Comment.objects.order_by("pk")
    assert one.anon_fingerprint != other.anon_fingerprint
    assert one.anon_tag != other.anon_tag


def test_tags_are_not_linkable_across_threads(client):
    first_post, second_post = make_post(), make_post()
    post_comment(client, first_post, identity="anonymous", text="Here")
    post_comment(client, second_post, identity="anonymous", text="There")
    here, there = Comment.objects.order_by("pk")
    device = client.cookies[cookies.DEVICE_COOKIE].value
    assert here.anon_fingerprint != there.anon_fingerprint
    # Neither the tag nor its longer code carries the cookie's value.
    for comment in (here, there):
        assert device not in comment.anon_fingerprint and comment.anon_tag not in device


def test_the_device_cookie_is_long_lived_and_hidden_from_scripts(client):
    response = post_comment(client, make_post(), identity="anonymous", text="Hello")
    cookie = response.cookies[cookies.DEVICE_COOKIE]
    assert cookie["httponly"] and int(cookie["max-age"]) >= 365 * 24 * 60 * 60


def test_two_people_whose_short_tags_collide_get_told_apart(client, monkeypatch):
    fingerprints = iter(["K7QAAAAAAAAAAAAA", "K7QBBBBBBBBBBBBB"])
    by_device = {}

    def colliding(*, post_id, device):
        if device not in by_device:
            by_device[device] = next(fingerprints)
        return by_device[device]

    monkeypatch.setattr(keys, "anon_fingerprint", colliding)
    post = make_post()
    post_comment(client, post, identity="anonymous", text="First person")
    post_comment(Client(), post, identity="anonymous", text="Second person")
    post_comment(client, post, identity="anonymous", text="First person again")
    tags = list(Comment.objects.order_by("pk").values_list("anon_tag", flat=True))
    assert tags == ["K7Q", "K7QB", "K7Q"]


def test_the_help_text_says_how_tags_work(client):
    page = client.get(make_post().get_absolute_url()).content.decode()
    assert "stays the same for you throughout this post’s comments" in page
    assert "clear your cookies, or use another browser, and you get a new tag" in page
