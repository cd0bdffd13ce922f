"""Search from every page: published posts and comments only, linking to comment permalinks."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.urls import reverse

from forum.models import Comment, PostSection
from forum.services.comments import comment_remove_by_author
from tests.factories import make_comment, make_post

pytestmark = pytest.mark.django_db


def search(client, query, **params):
    return client.get(reverse("forum:search"), {"q": query, **params})


def test_the_search_box_is_on_every_page(client):
    post = make_post()
    for url in ("/", post.get_absolute_url(), reverse("accounts:login")):
        assert f'action="{reverse("forum:search")}"' in client.get(url).content.decode()


def test_finds_comments_and_posts_and_links_to_the_comment_permalink(client):
    post = make_post(title="At Odds With The Evidence", body="Probation is being strangled by HMPPS.")
    comment = make_comment(
        post=post, author_name="Getafix", text="The inspectorate report on probation caseloads was grim."
    )
    make_comment(post=post, text="Nothing to see here.")
    html = search(client, "caseloads").content.decode()
    permalink = reverse("forum:comment_detail", args=[post.slug, comment.pk]) + f"#c{comment.pk}"
    assert f'href="{permalink}"' in html
    assert "<mark>caseloads</mark>" in html
    assert "Nothing to see here" not in html
    posts = search(client, "strangled").content.decode()
    assert f'href="{post.get_absolute_url()}"' in posts and "<mark>strangled</mark>" in posts
    assert f'href="{post.get_absolute_url()}"' in search(client, "evidence").content.decode()  # the title


def test_only_published_words_are_found(client):
    post = make_post()
    hidden = make_comment(post=post, text="zebra hidden")
    held = make_comment(post=post, text="zebra held")
    removed = make_comment(post=post, text="zebra removed")
    make_comment(post=post, text="zebra published")
    Comment.objects.filter(pk=hidden.pk).update(state=Comment.State.HIDDEN)
    Comment.objects.filter(pk=held.pk).update(state=Comment.State.PENDING)
    comment_remove_by_author(comment=removed)
    scheduled = make_post(published_on=date.today() + timedelta(days=5), body="zebra scheduled post")
    make_comment(post=scheduled, text="zebra under a scheduled post")
    withdrawn = make_post(body="zebra section taken down")
    section = withdrawn.sections.get()
    section.remove_at_authors_request()
    section.save()
    html = search(client, "zebra").content.decode()
    assert "<mark>zebra</mark> published" in html
    for gone in ("hidden", "held", "removed", "scheduled", "taken down"):
        assert f"<mark>zebra</mark> {gone}" not in html
    assert 'Comments <span class="text-body-secondary small">(1)</span>' in html
    assert PostSection.objects.filter(body__contains="taken down").count() == 0  # gone from the data, so from the index


def test_what_people_wrote_is_escaped_in_snippets(client):
    make_comment(post=make_post(), text="walrus <script>alert(1)</script> & more")
    html = search(client, "walrus").content.decode()
    # PostgreSQL's headline drops the tag; the fallback shows it escaped. Neither runs it.
    assert "<mark>walrus</mark>" in html and "<script>alert(1)" not in html


def test_bad_queries_get_a_clear_message(client):
    response = search(client, "x" * 201)
    assert response.status_code == 400
    assert "Search for at most 200 characters (this has 201)." in response.content.decode()
    assert search(client, "   ").status_code == 200
    assert "Nothing published matches" in search(client, "nonexistentword").content.decode()
    assert search(client, "walrus", page="abc").status_code == 200
    assert search(client, "walrus", page="9" * 30).status_code == 200
    assert search(client, "walrus", page="999999").status_code == 200  # past the end: no results, no error


def test_results_come_a_page_at_a_time(client, settings):
    settings.FORUM_SEARCH_RESULTS_PER_PAGE = 2
    post = make_post()
    for number in range(5):
        make_comment(post=post, text=f"ocelot number {number}")
    first = search(client, "ocelot").content.decode()
    assert first.count('class="search-result') == 2 and "More comments" in first
    last = search(client, "ocelot", page=3).content.decode()
    assert last.count('class="search-result') == 1 and "More comments" not in last


def test_postgresql_ranks_stemmed_matches_and_uses_the_gin_index_sqlite_matches_words(client):
    post = make_post()
    once = make_comment(post=post, text="Suicide figures were published.")
    often = make_comment(post=post, text="Suicides, suicide, and more suicides among staff.")
    make_comment(post=post, text="Unrelated words.")
    html = search(client, "suicides").content.decode()
    if connection.vendor != "postgresql":
        # The fallback matches the letters typed, so only the comment containing "suicides" is found.
        assert reverse("forum:comment_detail", args=[post.slug, often.pk]) in html
        assert reverse("forum:comment_detail", args=[post.slug, once.pk]) not in html
        return
    first, second = (reverse("forum:comment_detail", args=[post.slug, c.pk]) for c in (often, once))
    assert html.index(first) < html.index(second)  # ranked: more matches first, stemmed forms count
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM forum_comment WHERE to_tsvector('english'::regconfig, COALESCE(text, '')) "
            "@@ websearch_to_tsquery('english'::regconfig, 'suicide')"
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "forum_comment_text_search" in plan


def test_snippets_start_and_end_between_words_and_results_are_headed_by_author_and_time(client):
    filler = (
        "Caseloads keep rising across every region we cover and nobody seems to notice the strain it puts on staff. "
    )
    text = filler * 3 + "The fundamental problem is recruitment. " + filler * 3
    post = make_post(title="At Odds With The Evidence")
    comment = make_comment(post=post, author_name="Netnipper", text=text)
    html = search(client, "recruitment").content.decode()
    snippet = re.search(r'<p class="search-snippet small mb-0">(.*?)</p>', html, re.S)[1]
    words = re.sub(r"</?mark>", "", snippet).strip("…").split()
    text_words = set(text.split())
    assert words[0] in text_words and words[-1] in text_words, (words[0], words[-1])  # no "…ntal problem"
    assert snippet.startswith("…") and snippet.endswith("…") and "<mark>recruitment</mark>" in snippet
    heading = re.search(r'<a class="search-title" href="[^"]+">([^<]+)</a>', html)[1]
    assert (
        heading
        == f"Netnipper at {comment.posted_time_label}, {comment.posted_date_label} on “At Odds With The Evidence”"
    )


def test_quotes_match_a_phrase_in_its_order_and_a_minus_leaves_a_word_out_on_either_database(client):
    post = make_post()
    in_order = make_comment(post=post, text="We need more reflective\npractice in supervision.")
    make_comment(post=post, text="Practice is never reflective here.")
    excluded = make_comment(post=post, text="Reflective practice, says the inspectorate.")

    def found(query) -> set[int]:
        html = search(client, query).content.decode()
        return {int(pk) for pk in re.findall(r"/comments/(\d+)/#c", html)}

    assert found('"reflective practice"') == {in_order.pk, excluded.pk}
    assert found('"practice reflective"') == set()
    assert found('"reflective practice" -inspectorate') == {in_order.pk}
    html = search(client, '"reflective practice"').content.decode()
    # SQLite marks the phrase as one; PostgreSQL's headline marks each of its words.
    phrase_mark = "<mark>reflective practice</mark>" if connection.vendor == "sqlite" else "<mark>reflective</mark>"
    assert phrase_mark in html


@pytest.mark.parametrize("query", ['"', '""', "- -", '" -"'])
def test_a_query_without_words_asks_for_words_instead_of_listing_everything(client, query):
    make_comment(text="Anything at all.")
    response = search(client, query)
    html = response.content.decode()
    assert "Type a word or two to search for." in html
    assert "Anything at all" not in html
