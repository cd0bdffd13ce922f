from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from forum.models import Comment
from forum.services.comments import comment_remove_by_author
from tests.factories import PASSWORD, make_comment, make_member, make_post

pytestmark = pytest.mark.django_db


def profile_url(handle):
    return reverse("accounts:profile", args=[handle])


def test_profile_lists_published_comments_newest_first_with_permalinks(client):
    member = make_member("Getafix")
    post = make_post(title="Potions")
    start = timezone.now()
    with time_machine.travel(start - timedelta(hours=2), tick=False):
        older = make_comment(post=post, author=member, text="Mistletoe first")
    with time_machine.travel(start - timedelta(hours=1), tick=False):
        newer = make_comment(post=post, author=member, text="Then the lobster")
    make_comment(post=post, author_name="Someone", text="Not his words")
    page = client.get(profile_url("Getafix")).content.decode()
    assert page.index("Then the lobster") < page.index("Mistletoe first")
    assert "Not his words" not in page
    assert f'href="{newer.get_absolute_url()}"' in page and f'href="{older.get_absolute_url()}"' in page
    assert "Potions" in page and "2 comments" in page


def test_profile_never_shows_removed_hidden_or_pending_words(client):
    member = make_member("Getafix")
    post = make_post()
    removed = make_comment(post=post, author=member, text="Taken back")
    comment_remove_by_author(comment=removed)
    for state, text in [(Comment.State.HIDDEN, "Hidden words"), (Comment.State.PENDING, "Waiting words")]:
        comment = make_comment(post=post, author=member, text=text)
        Comment.objects.filter(pk=comment.pk).update(state=state)  # moderation arrives with its own issue
    make_comment(post=post, author=member, text="Still here")
    page = client.get(profile_url("Getafix")).content.decode()
    assert "Still here" in page and "1 comment" in page
    for text in ["Taken back", "Hidden words", "Waiting words"]:
        assert text not in page


@override_settings(FORUM_PROFILE_COMMENTS_PER_PAGE=3)
def test_profile_pages_through_comments_in_a_fixed_number_of_queries(client):
    member = make_member("Getafix")
    for number in range(7):
        make_comment(author=member, text=f"Remark {number}")  # each on its own post
    with CaptureQueriesContext(connection) as first_page:
        response = client.get(profile_url("Getafix"))
    assert "Older comments" in response.content.decode()
    last = client.get(profile_url("Getafix"), {"page": 3}).content.decode()
    assert "Remark 0" in last and "Newer comments" in last
    for number in range(7, 20):
        make_comment(author=member, text=f"Remark {number}")
    with CaptureQueriesContext(connection) as busier_page:
        client.get(profile_url("Getafix"))
    assert len(busier_page) == len(first_page) == 3  # member, count, page


def test_profile_address_is_case_insensitive_and_canonical(client):
    make_member("Getafix")
    response = client.get(profile_url("GETAFIX"))
    assert response.status_code == 301 and response["Location"] == profile_url("Getafix")
    assert client.get(profile_url("Nobody")).status_code == 404


def test_member_comments_link_to_the_profile(client):
    member = make_member("Getafix")
    post = make_post()
    make_comment(post=post, author=member, text="Signed by an account")
    page = client.get(post.get_absolute_url()).content.decode()
    assert f"class=am href={profile_url('Getafix')}>" in page


def delete_account(client, choice, password=PASSWORD):
    return client.post(reverse("accounts:delete"), {"comments": choice, "password": password})


def test_deleting_an_account_states_both_choices_first(client):
    client.force_login(make_member("Getafix"))
    page = client.get(reverse("accounts:delete")).content.decode()
    assert "This comment has been removed by the author." in page and "[deleted account]" in page


def test_deleting_an_account_can_remove_its_comments_and_keep_the_replies(client):
    member = make_member("Getafix")
    post = make_post()
    words = make_comment(post=post, author=member, text="My considered view")
    reply = make_comment(parent=words, text="A reply from someone else")
    client.force_login(member)
    response = delete_account(client, "remove")
    assert response.status_code == 302
    assert not User.objects.filter(handle="Getafix").exists()
    words.refresh_from_db()
    assert words.state == Comment.State.REMOVED_BY_AUTHOR and words.text == "" and words.html == ""
    page = client.get(post.get_absolute_url()).content.decode()
    assert "My considered view" not in page
    assert "This comment has been removed by the author." in page
    assert f"<li id=c{reply.pk}>" in page and "A reply from someone else" in page


def test_deleting_an_account_can_keep_its_comments_under_deleted_account(client):
    member = make_member("Getafix")
    post = make_post()
    words = make_comment(post=post, author=member, text="Worth keeping")
    client.force_login(member)
    delete_account(client, "keep")
    words.refresh_from_db()
    assert words.author is None and words.text == "Worth keeping"
    page = client.get(post.get_absolute_url()).content.decode()
    assert "<b class=ad>[deleted account]</b>" in page and "Worth keeping" in page
    assert "Getafix" not in page


def test_deleting_an_account_needs_the_password_and_a_choice(client):
    member = make_member("Getafix")
    make_comment(author=member, text="Still mine")
    client.force_login(member)
    response = delete_account(client, "remove", password="wrong")
    assert response.status_code == 400 and "That is not your password." in response.content.decode()
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert response.status_code == 400
    assert User.objects.filter(handle="Getafix").exists()
    assert Comment.objects.get().text == "Still mine"
