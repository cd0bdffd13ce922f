"""What every response carries: a strict Content-Security-Policy, a Permissions-Policy; and what search engines are told."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_comment, make_member, make_moderator, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    post = make_post(title="A post")
    comment = make_comment(post=post, text="A comment")
    return post, comment


def page_kinds(post, comment) -> dict[str, str]:
    return {
        "home": reverse("forum:post_list"),
        "post": post.get_absolute_url(),
        "comment page": reverse("forum:comment_detail", args=[post.slug, comment.pk]),
        "search": reverse("forum:search") + "?q=comment",
        "feed": reverse("forum:posts_feed"),
        "public log": reverse("moderation:log"),
        "report form": reverse("moderation:report_comment", args=[comment.pk]),
        "login": reverse("accounts:login"),
        "account": reverse("accounts:account"),
        "queue": reverse("moderation:queue"),
        "admin": reverse("admin:index"),
        "robots": "/robots.txt",
        "not found": "/no/such/page/",
    }


def test_every_kind_of_page_carries_a_strict_policy(site):
    post, comment = site
    client = Client()
    client.force_login(make_moderator("Vitalstatistix", is_staff=True))
    for kind, url in page_kinds(post, comment).items():
        response = client.get(url)
        assert response.status_code in (200, 302, 404), (kind, response.status_code)
        policy = dict(directive.strip().split(" ", 1) for directive in response["Content-Security-Policy"].split(";"))
        assert policy["default-src"] == "'self'", kind
        assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'", kind
        assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'", kind
        assert policy["base-uri"] == "'self'", kind
        assert "unsafe-inline" not in response["Content-Security-Policy"], kind
        assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"], (
            kind
        )


def test_no_page_of_ours_needs_inline_script_or_style(site, client):
    post, comment = site
    client.force_login(make_moderator("Vitalstatistix"))
    for kind, url in page_kinds(post, comment).items():
        if kind in {"admin", "feed", "robots"}:
            continue  # the admin's pages are Django's own; feeds and robots.txt are not HTML
        page = client.get(url).content.decode()
        assert "<script>" not in page and " style=" not in page and "<style" not in page, kind


def test_robots_txt_keeps_crawlers_out_of_private_pages(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    rules = response.content.decode().splitlines()
    assert rules[0] == "User-agent: *"
    for path in ("/admin/", "/accounts/", "/moderation/", "/editors/", "/unsubscribe/"):
        assert f"Disallow: {path}" in rules
    assert "Allow: /moderation/log/" in rules


def test_private_pages_say_noindex_and_public_ones_do_not(site):
    post, comment = site
    member = Client()
    member.force_login(make_member("Getafix"))
    private = [
        reverse("accounts:account"),
        reverse("accounts:login"),
        reverse("moderation:report_comment", args=[comment.pk]),
        reverse("forum:comment_edit", args=[post.slug, comment.pk]) + "?key=wrong",
    ]
    for url in private:
        response = member.get(url)
        assert response["X-Robots-Tag"] == "noindex, nofollow", url
        if response.status_code == 200:
            assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode(), url
    for url in (post.get_absolute_url(), reverse("forum:post_list"), reverse("moderation:log")):
        response = member.get(url)
        assert "X-Robots-Tag" not in response and 'name="robots"' not in response.content.decode(), url
