"""Search published posts and comments.

On PostgreSQL: full-text search (stemmed English, web-search syntax such as
"quoted phrases" and -minus), ranked, with highlighted snippets, served by
GIN indexes on the same expressions (migration forum 0005). Elsewhere (SQLite
in development): the same syntax read by `parse_terms`, unstemmed: every word
and every "quoted phrase" (its words in that order) must appear, a -word must
not; newest first, with the matches highlighted. Only published words are
searched: hidden and held comments are filtered out, and removed ones have no
text left to find.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from html import escape

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.urls import reverse

from forum.lib.sanitiser import plain_text
from forum.models import Comment, Post, PostSection
from forum.params import has_control_characters

SEARCH_CONFIG = "english"
MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
SNIPPET_CHARACTERS = 240
# Marks the search engine puts round matched words; escaped text cannot contain them.
_START, _STOP = "\ue000", "\ue001"


class SearchError(ValueError):
    """A query the search cannot run, with a message for the reader."""


@dataclass
class Hit:
    kind: str  # "post" or "comment"
    title: str
    url: str
    snippet_html: str
    when: date | datetime | None


@dataclass
class Terms:
    """A query as the reader wrote it: what must appear (a word, or a quoted phrase's words in order) and what must not."""

    required: list[list[str]]
    excluded: list[str]

    @property
    def patterns(self) -> list[str]:
        """A regular expression for each required term: a phrase's words with any spacing between them."""
        return [r"\s+".join(re.escape(word) for word in words) for words in self.required]


def parse_terms(query: str) -> Terms:
    """Words, "quoted phrases" (a quote left open runs to the end) and -exclusions, at most MAX_TERMS of each."""
    required, excluded = [], []
    for number, part in enumerate(query.split('"')):
        if number % 2:
            if part.split():
                required.append(part.split())
            continue
        for token in part.split():
            if token.startswith("-") and len(token) > 1:
                excluded.append(token[1:])
            else:
                required.append([token])
    return Terms(required=required[:MAX_TERMS], excluded=excluded[:MAX_TERMS])


@dataclass
class Results:
    posts: list[Hit]
    comments: list[Hit]
    comment_total: int


def search(query: str, *, comment_offset: int = 0, comment_limit: int | None = None) -> Results:
    """Posts and comments matching `query`, best first; raises SearchError for a query it cannot run."""
    if has_control_characters(query, multiline=False):
        raise SearchError("The search contains control characters (such as a NUL byte). Remove them and search again.")
    query = " ".join(query.split())
    if len(query) > MAX_QUERY_LENGTH:
        raise SearchError(f"Search for at most {MAX_QUERY_LENGTH} characters (this has {len(query)}).")
    terms = parse_terms(query)
    # Quotes and dashes alone ('"', "-") are no search: ask for words rather than list everything.
    if not any(re.search(r"\w", word) for words in terms.required for word in words):
        raise SearchError("Type a word or two to search for.")
    comment_limit = comment_limit or settings.FORUM_SEARCH_RESULTS_PER_PAGE
    if connection.vendor == "postgresql":
        return _full_text_search(query, comment_offset, comment_limit)
    return _word_search(terms, comment_offset, comment_limit)


def _searchable_comments():
    return Comment.objects.published().select_related("post", "author")


def _searchable_sections():
    return PostSection.objects.filter(post__in=Post.objects.published(), removed_at_authors_request=False)


def _full_text_search(query: str, offset: int, limit: int) -> Results:
    terms = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
    # The same expressions as the GIN indexes, so PostgreSQL can use them.
    comment_vector = SearchVector("text", config=SEARCH_CONFIG)
    comments = _searchable_comments().annotate(document=comment_vector).filter(document=terms)
    total = comments.count()
    comment_rows = list(
        comments.annotate(rank=SearchRank(comment_vector, terms), snippet=_headline("text", terms)).order_by(
            "-rank", "-pk"
        )[offset : offset + limit]
    )
    best = _best_posts(terms)
    posts = Post.objects.in_bulk(list(best))
    ordered = sorted(best, key=lambda pk: (-best[pk][0], -pk))
    return Results(
        posts=[_post_hit(posts[pk], best[pk][1]) for pk in ordered],
        comments=[
            _comment_hit(comment, _highlighted(_with_ellipses(comment.snippet, comment.text)))
            for comment in comment_rows
        ],
        comment_total=total,
    )


def _headline(field: str, terms: SearchQuery) -> SearchHeadline:
    return SearchHeadline(
        field, terms, config=SEARCH_CONFIG, start_sel=_START, stop_sel=_STOP, max_words=35, min_words=15
    )


def _best_posts(terms: SearchQuery) -> dict[int, tuple[float, str]]:
    """post id -> (rank, snippet): a match in the title counts above any in the text; the best section gives the snippet."""
    section_vector = SearchVector("body", config=SEARCH_CONFIG)
    sections = (
        _searchable_sections()
        .annotate(document=section_vector)
        .filter(document=terms)
        .annotate(rank=SearchRank(section_vector, terms), snippet=_headline("body", terms))
        .order_by("-rank")
        .values_list("post_id", "rank", "snippet")[: settings.FORUM_SEARCH_POST_RESULTS]
    )
    titles = (
        Post.objects.published()
        .annotate(document=SearchVector("title", config=SEARCH_CONFIG))
        .filter(document=terms)
        .values_list("pk", flat=True)[: settings.FORUM_SEARCH_POST_RESULTS]
    )
    best: dict[int, tuple[float, str]] = dict.fromkeys(titles, (1.0, ""))
    for post_id, rank, snippet in sections:
        current_rank, current_snippet = best.get(post_id, (0.0, ""))
        best[post_id] = (max(rank, current_rank), current_snippet or _highlighted(plain_text(snippet)))
    return best


def _word_search(terms: Terms, offset: int, limit: int) -> Results:
    """Every word and phrase must appear (case-insensitive), no excluded word may; for a development database."""
    comments = _searchable_comments()
    sections = _searchable_sections()
    titles = Post.objects.published()
    for words, pattern in zip(terms.required, terms.patterns, strict=True):
        # A word is a LIKE; a phrase a regular expression (Django gives SQLite Python's), words in order.
        lookup, value = ("icontains", words[0]) if len(words) == 1 else ("iregex", pattern)
        comments = comments.filter(**{f"text__{lookup}": value})
        sections = sections.filter(**{f"body__{lookup}": value})
        titles = titles.filter(**{f"title__{lookup}": value})
    for word in terms.excluded:
        comments = comments.exclude(text__icontains=word)
        sections = sections.exclude(body__icontains=word)
        titles = titles.exclude(title__icontains=word)
    total = comments.count()
    comment_rows = list(comments.newest_first()[offset : offset + limit])
    best: dict[int, str] = {}
    for section in sections.order_by("-post__published_on", "position")[: settings.FORUM_SEARCH_POST_RESULTS]:
        # Imported posts keep their HTML in `body`: search its words, not its tags.
        best.setdefault(section.post_id, _snippet_around(plain_text(section.body), terms.patterns))
    for pk in titles.values_list("pk", flat=True)[: settings.FORUM_SEARCH_POST_RESULTS]:
        best.setdefault(pk, "")
    posts = Post.objects.in_bulk(list(best))
    ordered = sorted(best, key=lambda pk: (posts[pk].published_on, pk), reverse=True)
    return Results(
        posts=[_post_hit(posts[pk], best[pk]) for pk in ordered],
        comments=[_comment_hit(comment, _snippet_around(comment.text, terms.patterns)) for comment in comment_rows],
        comment_total=total,
    )


def _snippet_around(text: str, patterns: list[str]) -> str:
    """A stretch of text round the first match, cut between words, the matches (`Terms.patterns`) marked."""
    pattern = re.compile("|".join(patterns), re.IGNORECASE)
    first = pattern.search(text)
    start = max(0, (first.start() if first else 0) - SNIPPET_CHARACTERS // 3)
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    end = start + SNIPPET_CHARACTERS
    if end < len(text) and not text[end].isspace():
        end = max(start + SNIPPET_CHARACTERS // 2, *(text.rfind(space, start, end) for space in " \n\t"))
    piece = " ".join(text[start:end].split())
    if start > 0:
        piece = "…" + piece
    if end < len(text) and text[end:].strip():
        piece += "…"
    return _highlighted(pattern.sub(lambda match: f"{_START}{match[0]}{_STOP}", piece))


def _with_ellipses(marked: str, text: str) -> str:
    """A headline from PostgreSQL (cut between words, matches marked) with … where it leaves out the text's
    start or end: ts_headline never says so itself."""
    shown = " ".join(marked.replace(_START, "").replace(_STOP, "").split())
    whole = " ".join(text.split())
    at = whole.find(shown)
    if not shown or at < 0:
        return marked
    return ("…" if at > 0 else "") + marked + ("…" if at + len(shown) < len(whole) else "")


def _highlighted(marked_text: str) -> str:
    """Escape everything the reader wrote; only the search's own marks become <mark>."""
    return escape(marked_text or "").replace(_START, "<mark>").replace(_STOP, "</mark>")


def _post_hit(post: Post, snippet_html: str) -> Hit:
    return Hit(
        kind="post", title=post.title, url=post.get_absolute_url(), snippet_html=snippet_html, when=post.published_on
    )


def _comment_hit(comment: Comment, snippet_html: str) -> Hit:
    return Hit(
        kind="comment",
        title=f"{comment.name} on “{comment.post.title}”",
        url=reverse("forum:comment_detail", args=[comment.post.slug, comment.pk]) + f"#{comment.anchor}",
        snippet_html=snippet_html,
        when=comment.posted_at,
    )
