"""Long threads stay readable: sorting, folds, depth limits, pages of bounded size, permalink pages, new marks."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from forum.lib.cookies import SEEN_COOKIE
from forum.models import Comment
from tests.factories import make_chain, make_comment, make_post, post_comment
from tests.forum.test_pages import nesting, thread_queries
from tests.pages import links_in

pytestmark = pytest.mark.django_db


def comment_ids(html: str) -> list[int]:
    return [int(cid[1:]) for cid, _, _ in nesting(html)]


def test_comments_read_oldest_first_by_default_and_newest_first_on_request(client):
    post = make_post()
    first = make_comment(post=post)
    reply = make_comment(parent=first)
    second = make_comment(post=post)
    url = post.get_absolute_url()
    assert comment_ids(client.get(url).content.decode()) == [first.pk, reply.pk, second.pk]
    newest = client.get(url, {"sort": "newest"}).content.decode()
    # Conversations turn round; the replies inside one still read in order.
    assert comment_ids(newest) == [second.pk, first.pk, reply.pk]
    assert '<strong aria-current="true">Newest first</strong>' in newest
    assert client.get(url, {"sort": "sideways"}).status_code == 200


def test_every_subtree_folds_away_in_a_details_element(client):
    post = make_post()
    top = make_comment(post=post)
    child = make_comment(parent=top)
    make_comment(parent=child)
    make_comment(parent=top)
    html = client.get(post.get_absolute_url()).content.decode()
    assert html.count("<details open>") == 2
    assert "<summary>3 replies</summary>" in html
    assert "<summary>1 reply</summary>" in html
    assert len(nesting(html)) == 4  # still well nested


def test_replies_deeper_than_eight_continue_on_a_page_of_their_own(client):
    post = make_post()
    chain = make_chain(post=post, depth=11)  # levels 0..11
    html = client.get(post.get_absolute_url()).content.decode()
    assert comment_ids(html) == [comment.pk for comment in chain[:9]]
    continue_url = reverse("forum:comment_detail", args=[post.slug, chain[8].pk])
    assert f"<p class=ct><a href=comments/{chain[8].pk}/>Continue this thread →</a></p>" in html
    assert links_in(html, page=post.get_absolute_url())[continue_url] is not None

    deeper = client.get(continue_url).content.decode()
    assert comment_ids(deeper) == [comment.pk for comment in chain]  # 8 ancestors above, the rest below
    assert deeper.count("class=anc>") == 8


def test_a_permalink_page_shows_the_comment_its_ancestors_and_replies_only(client):
    post = make_post()
    top = make_comment(post=post, text="The top of it")
    middle = make_comment(parent=top, text="In the middle")
    below = make_comment(parent=middle, text="Below it")
    sibling = make_comment(parent=top, text="A sibling elsewhere")
    response = client.get(reverse("forum:comment_detail", args=[post.slug, middle.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "The top of it" in html and "In the middle" in html and "Below it" in html
    assert "A sibling elsewhere" not in html
    assert comment_ids(html) == [top.pk, middle.pk, below.pk]
    assert client.get(reverse("forum:comment_detail", args=[post.slug, sibling.pk + 100])).status_code == 404


def test_a_held_comment_has_no_permalink_page_for_readers(client):
    post = make_post()
    held = make_comment(post=post)
    Comment.objects.filter(pk=held.pk).update(state=Comment.State.PENDING)
    assert client.get(reverse("forum:comment_detail", args=[post.slug, held.pk])).status_code == 404
    other = make_post()
    assert client.get(reverse("forum:comment_detail", args=[other.slug, make_comment(post=post).pk])).status_code == 404


def test_long_threads_come_in_pages_of_whole_conversations_with_a_fixed_query_count(client, settings):
    settings.FORUM_COMMENTS_PER_PAGE = 10
    post = make_post()
    tops = [make_comment(post=post) for _ in range(12)]
    replies = [make_comment(parent=top) for top in tops]
    first_page = client.get(post.get_absolute_url()).content.decode()
    assert comment_ids(first_page) == [pk for top, reply in zip(tops[:5], replies[:5]) for pk in (top.pk, reply.pk)]
    assert ">24 comments</h2>" in first_page
    assert 'class="load-more" href="?sort=oldest&amp;page=2#comments"' in first_page
    third = client.get(post.get_absolute_url(), {"page": 3}).content.decode()
    assert comment_ids(third) == [pk for top, reply in zip(tops[10:], replies[10:]) for pk in (top.pk, reply.pk)]
    assert "load-more" not in third and "previous-comments" in third
    assert client.get(post.get_absolute_url(), {"page": 4}).status_code == 404
    assert client.get(post.get_absolute_url(), {"page": "x"}).status_code == 200
    # Pages of 4 or of 10, built afresh: the same queries, not growing with the thread.
    settings.FORUM_COMMENTS_PER_PAGE = 4
    cache.clear()
    few = thread_queries(client, post)
    settings.FORUM_COMMENTS_PER_PAGE = 10
    cache.clear()
    assert few == thread_queries(client, post) == 7  # one reads the site's name, gone with the emptied cache


def test_a_conversation_larger_than_a_page_continues_on_the_next(client, settings):
    settings.FORUM_COMMENTS_PER_PAGE = 5
    post = make_post()
    small = make_comment(post=post)
    big = make_chain(post=post, depth=11)  # 12 comments in one conversation
    after = make_comment(post=post)
    pages = [comment_ids(client.get(post.get_absolute_url(), {"page": n}).content.decode()) for n in (1, 2, 3, 4)]
    assert pages[0] == [small.pk]  # the big one does not fit beside it
    assert pages[1] == [c.pk for c in big[:5]]
    assert pages[2] == [c.pk for c in big[5:9]]  # deeper than 8: on big[8]'s own page ("continue this thread")
    assert pages[3] == [after.pk]
    continued = client.get(post.get_absolute_url(), {"page": 3}).content.decode()
    assert "continues a long conversation from the page before" in continued
    # Nested as deep as they are, each under the one before, inside the page's "continued" levels.
    assert [enclosing for _, _, enclosing in nesting(continued)] == [None] + [f"c{c.pk}" for c in big[5:8]]
    assert continued.count("<li class=cont>") == 5
    assert all(len(page) <= 5 for page in pages)
    for deep in big[9:]:
        path, _, anchor = deep.get_absolute_url().partition("#")
        assert path == reverse("forum:comment_detail", args=[post.slug, big[8].pk])
        assert re.search(f"<li id={anchor}[ >]", client.get(path).content.decode())


def test_every_comments_permalink_lands_on_the_page_that_shows_it(client, settings):
    settings.FORUM_COMMENTS_PER_PAGE = 4
    post = make_post()
    comments = []
    for _ in range(5):
        top = make_comment(post=post)
        comments += [top, make_comment(parent=top), make_comment(parent=top)]
    comments += make_chain(post=post, depth=6)  # a conversation of 7: cut across two pages
    for comment in Comment.objects.filter(post=post):
        url = comment.get_absolute_url()
        path, _, anchor = url.partition("#")
        page = client.get(path).content.decode()
        assert re.search(f"<li id={anchor}[ >]", page), url
    assert any("?page=" in comment.get_absolute_url() for comment in Comment.objects.filter(post=post))


def test_a_reference_to_a_comment_on_another_page_links_to_its_permalink_page(client, settings):
    from tests.factories import make_comment_at

    settings.FORUM_COMMENTS_PER_PAGE = 1
    post = make_post()
    target = make_comment_at("19:12", post=post, text="On page one.")
    source = make_comment_at("19:30", post=post, text="@anon 19:12 from page two.")
    second = client.get(post.get_absolute_url(), {"page": 2}).content.decode()
    permalink = reverse("forum:comment_detail", args=[post.slug, target.pk])
    assert f"{permalink}#c{target.pk}" in links_in(second, page=post.get_absolute_url())
    first = client.get(post.get_absolute_url()).content.decode()
    source_permalink = reverse("forum:comment_detail", args=[post.slug, source.pk])
    assert f"{source_permalink}#c{source.pk}" in links_in(
        first, page=post.get_absolute_url()
    )  # "replied to by", across pages


def test_comments_new_since_the_last_visit_are_marked_and_linked_in_order(client):
    post = make_post()
    old = make_comment(post=post)
    first_visit = client.get(post.get_absolute_url())
    assert "comment-new" not in first_visit.content.decode()  # on a first visit nothing is "new"
    assert client.cookies[SEEN_COOKIE].value == f"{post.pk}.{old.pk}"

    newer = [make_comment(post=post), make_comment(parent=old)]
    html = client.get(post.get_absolute_url()).content.decode()
    marked = [int(pk) for pk in re.findall(r"<li id=c(\d+) class=comment-new>", html)]
    assert marked == [newer[1].pk, newer[0].pk]  # thread order: the reply sits under the old comment
    assert f'class="first-new-link" href="#c{newer[1].pk}"' in html
    assert f"<a class=next-new-link href=#c{newer[0].pk}>" in html
    assert "2 new since your last visit" in html
    assert "comment-new" not in client.get(post.get_absolute_url()).content.decode()  # seen now


def test_your_own_new_comment_is_not_marked_new_and_a_broken_cookie_is_ignored(client):
    post = make_post()
    make_comment(post=post)
    client.get(post.get_absolute_url())
    post_comment(client, post, text="My own words")
    assert "comment-new" not in client.get(post.get_absolute_url()).content.decode()
    client.cookies[SEEN_COOKIE] = "garbage-1.x-.5-%%"
    assert client.get(post.get_absolute_url()).status_code == 200
