import io
import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum.models import Comment, CommentPolicy, PostSection
from forum.services.comments import comment_edit, comment_remove_by_author
from forum.threads import markup
from moderation.services.comments import comment_moderate
from moderation.services.policies import post_policy_set
from tests.factories import make_chain, make_comment, make_member, make_moderator, make_post, make_thread
from tests.pages import links

pytestmark = pytest.mark.django_db


class CommentNesting(HTMLParser):
    """Collects (id, depth, id of the enclosing comment) for every comment (<li id="cN">), depth counted from the nesting."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []  # (tag, comment id or None)
        self.comments: list[tuple[str, int, str | None]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        comment_id = attrs.get("id") if tag == "li" and re.fullmatch(r"c\d+", attrs.get("id") or "") else None
        if comment_id:
            enclosing = [cid for _, cid in self.stack if cid]
            self.comments.append((comment_id, len(enclosing), enclosing[-1] if enclosing else None))
        if tag not in {"br", "hr", "img", "input", "meta", "link"}:
            self.stack.append((tag, comment_id))

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break


def nesting(html: str):
    parser = CommentNesting()
    parser.feed(html)
    return parser.comments


def test_home_lists_posts_newest_first_with_counts_and_title_links(client):
    older = make_post(title="Older", published_on=date(2020, 10, 29))
    newer = make_post(title="Newer", published_on=date(2021, 3, 18))
    make_comment(post=older)
    response = client.get("/")
    html = response.content.decode()
    assert html.index("Newer") < html.index("Older")
    assert f'<a href="{newer.get_absolute_url()}">Newer</a>' in html
    assert "No comments" in html and "1 comment<" in html
    assert "Thursday 29 October 2020" in html


def test_home_pages_with_blogger_links(client, settings):
    settings.FORUM_POSTS_PER_PAGE = 2
    for day in range(1, 6):
        make_post(title=f"Day {day}", published_on=date(2021, 1, day))
    first = client.get("/").content.decode()
    assert "Day 5" in first and "Day 3" not in first
    assert "Older posts" in first and "Newer posts" not in first
    second = client.get("/?page=2").content.decode()
    assert "Day 3" in second and "Newer posts" in second and "Older posts" in second
    assert client.get("/?page=banana").status_code == 200


def test_future_posts_are_not_listed_or_served(client):
    scheduled = make_post(title="Scheduled", published_on=date.today() + timedelta(days=3))
    assert "Scheduled" not in client.get("/").content.decode()
    assert client.get(scheduled.get_absolute_url()).status_code == 404


def test_unknown_post_is_404(client):
    assert client.get("/posts/no-such-post/").status_code == 404


@pytest.mark.parametrize("count, label", [(0, "No comments"), (1, "1 comment"), (3, "3 comments")])
def test_post_page_uses_blogger_count_wording(client, count, label):
    post = make_post()
    for _ in range(count):
        make_comment(post=post)
    assert f">{label}</h2>" in client.get(post.get_absolute_url()).content.decode()


def test_seed_post_shows_every_comment_nested_as_in_the_file(client):
    call_command("import_seeds")
    html = client.get("/posts/at-odds-with-the-evidence/").content.decode()
    found = nesting(html)
    comments = list(Comment.objects.filter(post__slug="at-odds-with-the-evidence").in_thread_order())
    assert [(f"c{c.pk}", c.level, f"c{c.parent_id}" if c.parent_id else None) for c in comments] == found
    assert len(found) == 25
    assert ">25 comments</h2>" in html
    assert "Removed at author&#x27;s request." in html or "Removed at author's request." in html
    assert "Criss Cross" in html


def test_second_seed_post_shows_27_comments(client):
    call_command("import_seeds")
    html = client.get("/posts/the-real-problem/").content.decode()
    assert len(nesting(html)) == 27 and ">27 comments</h2>" in html


def test_comment_shows_author_time_permalink_and_reply_link(client):
    post = make_post()
    named = make_comment(post=post, author_name="Getafix", text="Named words")
    anonymous = make_comment(post=post, text="Anonymous words")
    response = client.get(post.get_absolute_url())
    html, found = response.content.decode(), links(response)
    # The time links to the comment's own page, which offers Reply (thread.js adds it in the thread too).
    for comment in (named, anonymous):
        assert reverse("forum:comment_permalink", args=[comment.pk]) in found
    assert ">Getafix</b>" in html and ">Anonymous</b>" in html
    local = named.created_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/London"))
    assert f"<b>{local:%H:%M}</b> {local.day} {local:%B %Y}</a>" in html
    own_page = client.get(reverse("forum:comment_permalink", args=[named.pk]), follow=True)
    assert reverse("forum:comment_reply", args=[post.slug, named.pk]) in links(own_page)


def test_removed_and_hidden_comments_render_as_tombstones_keeping_replies(client):
    post = make_post()
    removed = make_comment(post=post, text="secret words")
    reply = make_comment(parent=removed, text="the reply stays")
    hidden = make_comment(post=post, text="hidden words")
    comment_remove_by_author(comment=removed)
    comment_moderate(comment=hidden, action="hide", moderator=make_moderator())
    html = client.get(post.get_absolute_url()).content.decode()
    assert "This comment has been removed by the author." in html
    assert "This comment has been hidden by a moderator." in html
    assert "hidden words" not in html and "secret words" not in html
    assert (f"c{reply.pk}", 1, f"c{removed.pk}") in nesting(html)


def test_pending_comments_and_their_replies_are_not_shown(client):
    post = make_post()
    author = make_member()
    pending = make_comment(post=post, text="waiting for a moderator", author=author)
    make_comment(parent=pending, text="a reply under it")
    shown = make_comment(post=post, text="visible words")
    # Back to the queue, as when its author edits a link in where links are held.
    post_policy_set(post=post, policy=CommentPolicy.HOLD_ALL, moderator=make_moderator())
    with time_machine.travel(pending.created_at, tick=False):
        comment_edit(comment=pending, text="waiting for a moderator, https://example.org")
    assert Comment.objects.get(pk=pending.pk).state == Comment.State.PENDING
    html = client.get(post.get_absolute_url()).content.decode()
    assert "waiting for a moderator" not in html and "a reply under it" not in html
    assert [c[0] for c in nesting(html)] == [f"c{shown.pk}"]
    assert ">1 comment</h2>" in html


def test_removed_section_shows_the_notice(client):
    post = make_post()
    section = PostSection(post=post, position=2)
    section.remove_at_authors_request()
    section.save()
    html = client.get(post.get_absolute_url()).content.decode()
    assert "The editor&#x27;s text." in html or "The editor's text." in html
    assert "Removed at author" in html


def test_deep_replies_nest_at_every_level(client):
    post = make_post()
    chain = make_chain(post=post, depth=6)
    found = nesting(client.get(post.get_absolute_url()).content.decode())
    assert [depth for _, depth, _ in found] == list(range(7))
    assert [enclosing for _, _, enclosing in found] == [None] + [f"c{c.pk}" for c in chain[:-1]]


def thread_queries(client, post) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    return len(queries)


def test_thread_page_runs_a_fixed_number_of_queries(client):
    small, large = make_post(), make_post()
    make_thread(post=small, size=10)
    make_thread(post=large, size=500)
    assert Comment.objects.filter(post=large).count() == 500
    small_count = thread_queries(client, small)
    large_count = thread_queries(client, large)
    # post, its sections, its labels, where the pages begin, the page's rows (the moderation settings are cached)
    assert small_count == large_count == 5
    # An unchanged page comes from the cache: the post alone.
    assert thread_queries(client, small) == thread_queries(client, large) == 1
    assert len(nesting(client.get(large.get_absolute_url()).content.decode())) == 500


def test_a_members_view_of_a_mixed_thread_stays_at_a_fixed_number_of_queries(client):
    member = make_member("Getafix")
    small, large = make_post(), make_post()
    for post, size in [(small, 10), (large, 300)]:
        make_thread(post=post, size=size)
        for number in range(0, size, 3):  # a third each: this member, another member, typed names
            comment = make_comment(post=post, author=member if number % 2 else make_member())
            make_comment(parent=comment, author_name="Obelix")
    client.force_login(member)
    page = client.get(large.get_absolute_url()).content.decode()
    client.get(small.get_absolute_url())
    assert page.count("class=remove-link") == 50  # the member's own comments are marked
    # post, the page's rows with which are still the member's to edit (the post's sections and
    # labels, and where pages begin, are kept per thread version), + session, user, the two
    # permission reads that decide whether moderation actions show, whether the member follows the post,
    # and the member's undismissed notices (moderation.authors), one read for the whole page
    assert thread_queries(client, small) == thread_queries(client, large) == 8


def test_thread_renders_stored_fragments_without_rendering_on_read(client):
    post = make_post()
    comment = make_comment(post=post, text="original words")
    stored = Comment.objects.get(pk=comment.pk).fragment
    assert "original words" in stored
    Comment.objects.filter(pk=comment.pk).update(fragment=stored.replace("original words", "stored rendering"))
    html = client.get(post.get_absolute_url()).content.decode()
    assert "stored rendering" in html and "original words" not in html


def test_fragments_written_by_an_older_release_are_rebuilt_when_read(client):
    post = make_post()
    comment = make_comment(post=post, text="original words")
    Comment.objects.filter(pk=comment.pk).update(fragment="<article><header></header>old markup", fragment_version=0)
    html = client.get(post.get_absolute_url()).content.decode()
    assert "original words" in html and "old markup" not in html
    assert Comment.objects.get(pk=comment.pk).fragment_version == markup.FRAGMENT_VERSION


def test_rebuild_fragments_brings_every_stale_fragment_up_to_date_ahead_of_readers():
    post = make_post()
    comments = [make_comment(post=post, text=f"Words {number}") for number in range(3)]
    Comment.objects.filter(pk__in=[c.pk for c in comments[:2]]).update(fragment="old markup", fragment_version=0)
    out = io.StringIO()
    call_command("rebuild_fragments", stdout=out)
    assert "Rebuilt 2 comment fragments." in out.getvalue()
    for comment in Comment.objects.filter(post=post):
        assert comment.fragment_version == markup.FRAGMENT_VERSION and comment.text in comment.fragment


def test_templates_have_no_inline_scripts_or_styles(client):
    call_command("import_seeds")
    for url in ["/", "/posts/the-real-problem/"]:
        html = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert " style=" not in html and "<style" not in html, url


def test_static_assets_are_local(client):
    html = client.get("/").content.decode()
    assert "/static/bootstrap/css/bootstrap.min.css" in html
    assert not re.search(r'(href|src)="https?://', html)
