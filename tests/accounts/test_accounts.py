import re

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import User
from forum.models import Comment
from moderation.services.comments import comment_moderate
from tests.factories import PASSWORD, make_comment, make_member, make_moderator

pytestmark = pytest.mark.django_db


def sign_up(client, handle, email="new@example.org", password=PASSWORD, **extra):
    return client.post(
        reverse("accounts:signup"),
        {"handle": handle, "email": email, "password1": password, "password2": password, **extra},
    )


def log_in(client, handle, password=PASSWORD, **extra):
    return client.post(reverse("accounts:login"), {"username": handle, "password": password}, **extra)


def test_sign_up_logs_the_new_member_in(client):
    response = sign_up(client, "Vitalstatistix")
    assert response.status_code == 302
    member = User.objects.get()
    assert member.handle == "Vitalstatistix" and member.check_password(PASSWORD)
    page = client.get(response["Location"]).content.decode()
    assert "Welcome, Vitalstatistix." in page
    assert 'class="nav-link member-handle"' in page and "Log out" in page


@pytest.mark.parametrize(
    "handle, message",
    [
        ("getafix", "taken, or looks too like one"),
        ("GETAFIX", "taken, or looks too like one"),
        ("Getaf1x", "taken, or looks too like one"),
        ("GetafiX", "taken, or looks too like one"),
        ("Get-afix", "taken, or looks too like one"),
        ("anonymous", "reserved"),
        ("Adm1n", "reserved"),
        ("Moderator", "reserved"),
        ("deleted", "reserved"),
        ("Anon_K7Q", "kept for anonymous comments"),
        ("ab", "3 to 30 letters"),
        ("has space", "3 to 30 letters"),
        ("Gétafix", "3 to 30 letters"),
        ("___", "at least one letter or digit"),
    ],
)
def test_sign_up_refuses_taken_look_alike_reserved_and_malformed_handles(client, handle, message):
    make_member("Getafix")
    response = sign_up(client, handle)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert User.objects.count() == 1


def test_sign_up_needs_an_email_and_matching_passwords(client):
    response = client.post(
        reverse("accounts:signup"),
        {"handle": "Cacofonix", "email": "", "password1": PASSWORD, "password2": PASSWORD + "x"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "This field is required." in page and "didn’t match" in page
    assert 'value="Cacofonix"' in page  # what was typed is kept
    assert not User.objects.exists()


def test_log_in_with_the_handle_in_any_case_then_log_out(client):
    make_member("Getafix")
    response = log_in(client, "GETAFIX")
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    assert client.get(reverse("accounts:logout")).status_code == 405  # GET changes nothing
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_log_in_returns_to_the_page_the_reader_was_on(client):
    make_member("Getafix")
    page = client.get(reverse("accounts:login"), {"next": "/posts/some-post/"}).content.decode()
    assert 'name="next" value="/posts/some-post/"' in page
    response = client.post(
        reverse("accounts:login"), {"username": "Getafix", "password": PASSWORD, "next": "/posts/some-post/"}
    )
    assert response["Location"] == "/posts/some-post/"


@override_settings(FORUM_LOGIN_FAILURES_PER_ACCOUNT=3, FORUM_LOGIN_FAILURES_PER_IP=100)
def test_failed_logins_slow_whoever_fails_not_the_account_holder(client):
    make_member("Getafix")
    make_member("Asterix")
    for _ in range(3):
        assert "Please enter a correct handle and password" in log_in(client, "getafix", "wrong").content.decode()
    refused = log_in(client, "Getafix")  # even the right password, from where the failures came
    assert refused.status_code == 429
    assert "Too many failed logins from here. Wait 15 minutes" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert log_in(client, "Asterix").status_code == 302  # other accounts are not affected


@override_settings(FORUM_LOGIN_FAILURES_PER_ACCOUNT=10, FORUM_LOGIN_FAILURES_PER_IP=30)
def test_a_stranger_failing_for_a_members_handle_cannot_lock_them_out():
    """OWASP ASVS 2.2.1: anti-automation must not let anyone lock an account."""
    make_moderator("Vitalstatistix")
    stranger = Client(REMOTE_ADDR="203.0.113.66")
    for _ in range(12):
        log_in(stranger, "Vitalstatistix", "guess")
    assert log_in(stranger, "Vitalstatistix").status_code == 429
    owner = Client(REMOTE_ADDR="198.51.100.5")
    assert log_in(owner, "Vitalstatistix").status_code == 302


@override_settings(FORUM_LOGIN_FAILURES_PER_ACCOUNT=3, FORUM_LOGIN_FAILURES_PER_IP=100)
def test_a_successful_login_clears_the_accounts_failures(client):
    make_member("Getafix")
    for _ in range(2):
        log_in(client, "Getafix", "wrong")
    assert log_in(client, "Getafix").status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(2):
        log_in(client, "Getafix", "wrong")
    assert log_in(client, "Getafix").status_code == 302


@override_settings(FORUM_LOGIN_FAILURES_PER_ACCOUNT=100, FORUM_LOGIN_FAILURES_PER_IP=3)
def test_failed_logins_are_throttled_per_ip(client):
    make_member("Getafix")
    for handle in ["one", "two", "three"]:
        log_in(client, handle, "wrong", REMOTE_ADDR="198.51.100.7")
    refused = log_in(client, "Getafix", REMOTE_ADDR="198.51.100.7")
    assert refused.status_code == 429 and "Too many failed logins" in refused.content.decode()
    assert log_in(client, "Getafix", REMOTE_ADDR="198.51.100.8").status_code == 302


def test_change_password(client):
    member = make_member("Getafix")
    client.force_login(member)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another long passphrase",
            "new_password2": "another long passphrase",
        },
    )
    assert response["Location"] == reverse("accounts:password_change_done")
    member.refresh_from_db()
    assert member.check_password("another long passphrase")


def test_reset_password_by_email(client):
    make_member("Getafix")
    response = client.post(reverse("accounts:password_reset"), {"email": "getafix@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1 and "Getafix" in mail.outbox[0].body
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
    )
    assert done["Location"] == reverse("accounts:password_reset_complete")
    assert log_in(client, "Getafix", "a brand new passphrase").status_code == 302


@override_settings(FORUM_PASSWORD_RESETS_PER_IP=2)
def test_password_reset_mails_are_limited_per_ip(client):
    make_member("Getafix")
    for _ in range(2):
        client.post(reverse("accounts:password_reset"), {"email": "getafix@example.org"})
    refused = client.post(reverse("accounts:password_reset"), {"email": "getafix@example.org"})
    assert "Too many reset requests from here" in refused.content.decode()
    assert len(mail.outbox) == 2


def test_account_pages_need_a_login(client):
    for name in ["accounts:account", "accounts:delete", "accounts:password_change"]:
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@override_settings(FORUM_SIGNUPS_PER_IP=2)
def test_sign_ups_are_limited_per_ip():
    from django.test import Client

    for handle in ["Asterix", "Obelix"]:
        assert sign_up(Client(), handle).status_code == 302
    refused = sign_up(Client(), "Dogmatix")
    assert refused.status_code == 429 and "Too many new accounts from here" in refused.content.decode()
    assert 'value="Dogmatix"' in refused.content.decode()
    assert not User.objects.filter(handle="Dogmatix").exists()


def test_deleting_a_member_in_the_admin_says_first_how_many_comments_it_erases(client):
    member = make_member("Getafix")
    for number in range(3):
        make_comment(author=member, text=f"Words {number}")
    gone = make_comment(author=member, text="Already taken down")
    comment_moderate(comment=gone, action="remove", moderator=make_moderator())
    client.force_login(User.objects.create_superuser(handle="Chief", email="chief@example.org", password="x" * 20))
    confirm = client.get(reverse("admin:accounts_user_delete", args=[member.pk])).content.decode()
    assert "3 comments: the words erased" in confirm
    assert "Comments whose words will be erased (each leaves a tombstone; replies stay): 3" in confirm
    bulk = client.post(
        reverse("admin:accounts_user_changelist"), {"action": "delete_selected", "_selected_action": [member.pk]}
    ).content.decode()
    assert "3 comments: the words erased" in bulk
    assert Comment.objects.filter(text__startswith="Words").count() == 3  # nothing erased before "Yes, I'm sure"
