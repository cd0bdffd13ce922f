"""Comments that point at earlier comments, the way this community does it.

Anonymous readers name each other by posting time ("@anon 19:12", "No 21:31",
"0058 makes a point", "I agree with 19.39"), by anonymous tag ("@Anon·K7Q")
or by handle ("@handle"). When a comment is written, `link_references` finds
those mentions in its sanitised HTML and turns each one that names an earlier
comment of the same thread into a marker link. The marker carries only the
target's id: `finish_links` fills in the title and address when the comment's
fragment is rendered (forum.threads.fragments), from the target's state then, and a
change to the target renders the fragments naming it again, so a link never
repeats words that were removed later.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from html import escape

from django.utils import timezone

# Numbers written like a time but meaning an amount: "21.40 per cent", "12.50 million".
_UNITS_AFTER = re.compile(
    r"\s*(?:%|per\b|percent|pc\b|million|billion|bn\b|m\b|k\b|kg\b|km\b|miles\b|pence\b|p\b|pounds\b|"
    r"dollars\b|euros\b|deaths\b|times\b|x\b)",
    re.IGNORECASE,
)
# A bare four-digit time starts a sentence ("0058 makes some interesting points",
# "... fact denial. 2158 is incredibly combative"); anywhere else it is far more
# often a year ("in 2019", "mistaken 2000 for 2020").
_SENTENCE_START_BEFORE = re.compile(r"(?:^|[.!?…][\"'”’)]*)\s*$")

_MENTION = re.compile(
    r"""
    (?<![\w@£$€¥.,:/#&;+-])
    (?:
        (?P<prefix>@\s?anon\s?|@\s?|anon\s|no\s)?
        (?:
            (?P<colon_hour>[01]?\d|2[0-3]):(?P<colon_minute>[0-5]\d)
          | (?P<dot_hour>[01]\d|2[0-3])\.(?P<dot_minute>[0-5]\d)
          | (?P<bare_hour>[01]\d|2[0-3])(?P<bare_minute>[0-5]\d)
        )
        (?![\w%]|[.:,]\d)
      | @anon[·.\-]?(?P<tag>[0-9a-z]{3,16})\b
      | @(?P<handle>[\w-]{3,30})\b
    )
    """,
    re.IGNORECASE | re.VERBOSE,
)

# The marker a stored comment carries; `finish_links` matches exactly this.
_MARKER = '<a class="comment-ref" href="#c{pk}" data-candidates="{candidates}">{text}</a>'
_STORED_MARKER = re.compile(r'<a class="comment-ref" href="#c(\d+)" data-candidates="(\d+)">([^<]*)</a>')
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
_BREAK_TAG = re.compile(r"</?(?:p|br|blockquote)\b", re.IGNORECASE)


@dataclass
class EarlierComments:
    """What a new comment can point at: the thread's earlier listed comments, oldest first."""

    by_minute: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    by_tag: dict[str, int] = field(default_factory=dict)
    by_handle: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows) -> "EarlierComments":
        """rows: (pk, created_at, handle or None, anon_tag), oldest first."""
        earlier = cls()
        for row in rows:
            earlier.add(*row)
        return earlier

    def add(self, pk: int, created_at: datetime | None, handle: str | None, anon_tag: str) -> None:
        """One more comment, later than those added before (imports build the thread this way)."""
        if created_at is not None:
            self.by_minute[minute_label(created_at)].append(pk)
        if anon_tag:
            self.by_tag[anon_tag.upper()] = pk
        if handle:
            self.by_handle[handle.lower()] = pk

    def resolve(self, match: re.Match) -> tuple[int, int] | None:
        """The (target id, number of candidates) a mention names, or None when it names nothing."""
        if match["tag"]:
            pk = self.by_tag.get(match["tag"].upper())
            return (pk, 1) if pk else None
        if match["handle"]:
            pk = self.by_handle.get(match["handle"].lower())
            return (pk, 1) if pk else None
        hour = match["colon_hour"] or match["dot_hour"] or match["bare_hour"]
        minute = match["colon_minute"] or match["dot_minute"] or match["bare_minute"]
        candidates = self.by_minute.get(f"{int(hour):02d}:{minute}", [])
        return (candidates[-1], len(candidates)) if candidates else None


def minute_label(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%H:%M}"


def minute_of_day(moment: datetime | None) -> int | None:
    """The minute a comment was posted on the site's clock (19:12 is 1152), stored for mention lookups."""
    if moment is None:
        return None
    local = timezone.localtime(moment)
    return local.hour * 60 + local.minute


@dataclass
class Named:
    """Everything a text could be naming: the minutes, tags and handles to look up (a superset: cheap to find)."""

    minutes: set[int] = field(default_factory=set)
    tags: set[str] = field(default_factory=set)
    handles: set[str] = field(default_factory=set)


def named_in(html: str) -> Named:
    named = Named()
    for match in _MENTION.finditer(html):
        if match["tag"]:
            named.tags.add(match["tag"].upper())
        elif match["handle"]:
            named.handles.add(match["handle"].lower())
        else:
            hour = match["colon_hour"] or match["dot_hour"] or match["bare_hour"]
            minute = match["colon_minute"] or match["dot_minute"] or match["bare_minute"]
            named.minutes.add(int(hour) * 60 + int(minute))
    return named


def _plausible(match: re.Match, text_before: str, text_after: str) -> bool:
    """Rule out numbers that only look like times: years, decimals, prices, clock times with seconds."""
    if match["tag"] or match["handle"] or match["prefix"]:
        return True
    if match["colon_hour"]:
        return len(match["colon_hour"]) == 2
    if match["dot_hour"]:
        return not _UNITS_AFTER.match(text_after)
    return bool(_SENTENCE_START_BEFORE.search(text_before))


def link_references(html: str, earlier: EarlierComments) -> tuple[str, list[int]]:
    """Mark every mention of an earlier comment in sanitised HTML; return the HTML and the targets.

    Text inside existing links is left alone, and so is a mention that
    names no earlier comment.
    """
    targets: list[int] = []
    inside_link = False
    # Text right after a paragraph or line break starts a sentence; after </b> it need not.
    after_break = True
    pieces = []
    for piece in _TAG_OR_TEXT.split(html):
        if piece.startswith("<"):
            if re.match(r"<a[\s>]", piece):
                inside_link = True
            elif piece.startswith("</a"):
                inside_link = False
            after_break = bool(_BREAK_TAG.match(piece))
            pieces.append(piece)
            continue
        if inside_link or not piece:
            pieces.append(piece)
            continue

        def mark(match: re.Match, text: str = piece, lead: str = "" if after_break else "x ") -> str:
            if not _plausible(match, lead + text[: match.start()], text[match.end() :]):
                return match[0]
            resolved = earlier.resolve(match)
            if resolved is None:
                return match[0]
            pk, candidates = resolved
            targets.append(pk)
            return _MARKER.format(pk=pk, candidates=candidates, text=match[0])

        pieces.append(_MENTION.sub(mark, piece))
    return "".join(pieces), list(dict.fromkeys(targets))


def count_reference_links(html: str) -> int:
    return html.count('<a class="comment-ref"')


def unlinked(pk: int, candidates: int) -> None:
    """`describe` for words shown outside their thread: every mention as plain text."""
    return None


def finish_links(html: str, describe) -> str:
    """Give each stored marker its address and title.

    `describe(pk, candidates)` returns (href, title), or None when readers
    cannot see the target (or the page shows no links into the thread:
    `unlinked`): the mention is then shown as plain text.
    """
    if '<a class="comment-ref"' not in html:
        return html  # most comments name nobody: skip the regular expression

    def finish(match: re.Match) -> str:
        described = describe(int(match[1]), int(match[2]))
        if described is None:
            return match[3]
        href, title = described
        # Short class and bare address: a long thread carries hundreds of these.
        return f'<a class=cr href={escape(href)} title="{escape(title)}">{match[3]}</a>'

    return _STORED_MARKER.sub(finish, html)


def may_mention(html: str) -> bool:
    """A cheap test before the thread is read: could this text mention anything at all?"""
    return _MENTION.search(html) is not None
