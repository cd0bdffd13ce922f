"""Atom feeds for posts, recent comments and one post's comments: valid, dated, published words only."""

import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse

from forum.models import Comment
from forum.services.comments import comment_remove_by_author
from tests.factories import make_comment, make_comment_at, make_member, make_post, site_time

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def atom(client, url) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # a real XML parser: malformed output fails here
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    for entry in feed.findall(f"{ATOM}entry"):
        for required in ("id", "title", "updated", "link"):
            assert entry.find(f"{ATOM}{required}") is not None, required
        assert entry.find(f"{ATOM}author/{ATOM}name") is not None or feed.find(f"{ATOM}author") is not None
        datetime.fromisoformat(entry.find(f"{ATOM}updated").text)  # RFC 3339
    return feed


def entries(feed) -> list[ET.Element]:
    return feed.findall(f"{ATOM}entry")


def text_of(feed) -> str:
    return ET.tostring(feed, encoding="unicode")


def test_posts_feed_lists_published_posts_newest_first_dated_on_their_day(client):
    older = make_post(title="Older", published_on=date(2020, 10, 29))
    newer = make_post(title="Newer & better", published_on=date(2021, 3, 18))
    make_post(title="Scheduled", published_on=date.today() + timedelta(days=3))
    feed = atom(client, reverse("forum:posts_feed"))
    titles = [entry.find(f"{ATOM}title").text for entry in entries(feed)]
    assert titles == ["Newer & better", "Older"]
    first = entries(feed)[0]
    assert first.find(f"{ATOM}published").text == "2021-03-18T00:00:00+00:00"
    assert first.find(f"{ATOM}link").get("href").endswith(newer.get_absolute_url())
    assert "The editor's text" in first.find(f"{ATOM}summary").text
    assert older.get_absolute_url() in text_of(feed)


def test_comments_feed_has_published_comments_only_with_their_times(client):
    post = make_post(title="The thread")
    shown = make_comment_at(site_time("19:12", days_ago=2), post=post, author_name="Getafix", text="Words to syndicate")
    hidden = make_comment(post=post, text="Hidden words")
    held = make_comment(post=post, text="Held words")
    removed = make_comment(post=post, text="Removed words")
    Comment.objects.filter(pk=hidden.pk).update(state=Comment.State.HIDDEN)
    Comment.objects.filter(pk=held.pk).update(state=Comment.State.PENDING)
    comment_remove_by_author(comment=removed)
    scheduled = make_post(published_on=date.today() + timedelta(days=2))
    make_comment(post=scheduled, text="Under a scheduled post")
    for feed in (
        atom(client, reverse("forum:comments_feed")),
        atom(client, reverse("forum:post_comments_feed", args=[post.slug])),
    ):
        body = text_of(feed)
        assert "Words to syndicate" in body
        for secret in ("Hidden words", "Held words", "Removed words", "Under a scheduled post"):
            assert secret not in body
        [entry] = entries(feed)
        assert entry.find(f"{ATOM}title").text == f"Getafix at 19:12, {shown.posted_date_label} on “The thread”"
        assert datetime.fromisoformat(entry.find(f"{ATOM}published").text) == shown.created_at
        assert (
            entry.find(f"{ATOM}link")
            .get("href")
            .endswith(reverse("forum:comment_detail", args=[post.slug, shown.pk]) + f"#c{shown.pk}")
        )


def test_a_post_comments_feed_holds_that_post_only_and_404s_for_unknown_posts(client):
    post, other = make_post(), make_post()
    make_comment(post=post, text="Here", author=make_member())
    make_comment(post=other, text="Elsewhere")
    body = text_of(atom(client, reverse("forum:post_comments_feed", args=[post.slug])))
    assert "Here" in body and "Elsewhere" not in body
    assert client.get(reverse("forum:post_comments_feed", args=["no-such-post"])).status_code == 404


def test_pages_announce_their_feeds_in_the_head(client):
    post = make_post()
    html = client.get(post.get_absolute_url()).content.decode()
    head = html.split("</head>")[0]
    for url in (
        reverse("forum:posts_feed"),
        reverse("forum:comments_feed"),
        reverse("forum:post_comments_feed", args=[post.slug]),
    ):
        assert 'type="application/atom+xml"' in head and f'href="{url}"' in head
    assert f'href="{reverse("forum:comments_feed")}"' in client.get("/").content.decode().split("</head>")[0]
