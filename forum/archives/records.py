"""What every archive reader hands the importer: posts and comments as plain records.

Readers convert their format's markup here: comment bodies become the text a
reader would have typed (the sanitiser makes the HTML when it is written),
post bodies stay the editors' HTML.
"""

import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import unquote, urlsplit

from forum.models import AUTHOR_NAME_MAX_LENGTH, Comment


class ArchiveError(Exception):
    """An archive the importer refuses, naming the entry (or line) and the reason."""

    def __init__(self, reason: str, *, entry: str = "", nothing_written: bool = True):
        super().__init__(reason)
        self.reason, self.entry, self.nothing_written = reason, entry, nothing_written

    def __str__(self) -> str:
        return f"entry {self.entry}: {self.reason}" if self.entry else self.reason


@dataclass
class ImportedSection:
    body: str
    position: int | None = None  # kept exactly (the site's own export); otherwise counted from 1
    format: str = "html"  # PostSection.Format
    heading: str = ""
    credit: str = ""
    removed: bool = False


@dataclass
class ImportedPost:
    key: str  # unique within the archive and across imports: "<format>:<entry id>"
    title: str
    published_at: datetime | None
    slug_hint: str = ""  # the old address's last part, or a name the old site used
    slug: str = ""  # kept exactly (the site's own export); otherwise made from slug_hint or the title
    legacy_id: str | None = None  # stored for idempotence and old links; readers of other sites pass the key
    kind: str = "post"  # Post.Kind
    byline: str = ""
    labels: list[str] = field(default_factory=list)
    sections: list[ImportedSection] = field(default_factory=list)
    legacy_path: str = ""
    # Drafts, trashed and deleted posts are skipped with their comments, never published.
    skip_reason: str = ""  # "draft" or "trashed"
    comment_policy: str = ""
    editor_handle: str = ""
    published_on: str = ""  # the ISO date the site showed (its own export); else published_at's local date
    # A comments-only archive (Disqus) names the page its thread was on: its comments go
    # under the post already imported from that address, when there is one.
    attach_by_path: bool = False
    attach_to_ids: list[str] = field(default_factory=list)  # …or under the post imported with one of these ids


@dataclass
class ImportedMember:
    """A member of this site named by comments in the site's own export."""

    handle: str
    joined: datetime | None = None


@dataclass
class ImportedComment:
    key: str
    post_key: str
    created_at: datetime | None
    text: str = ""
    parent_key: str = ""
    state: str = Comment.State.PUBLISHED
    author_name: str = ""  # empty: anonymous
    author_url: str = ""
    author_handle: str = ""  # a member of this site (the site's own export)
    author_account_deleted: bool = False
    anon_tag: str = ""
    edited_at: datetime | None = None
    legacy_id: str | None = None  # stored for idempotence; readers of other sites pass the key


@dataclass
class ImportedLabel:
    """A label with its address, as the site's own export keeps it."""

    name: str
    slug: str


_BREAKS = re.compile(r"<br\s*/?>", re.IGNORECASE)
_PARAGRAPH_ENDS = re.compile(r"</p\s*>\s*|<p(?:\s[^>]*)?>", re.IGNORECASE)


def comment_text_from_html(markup: str) -> str:
    """A comment's HTML as an old blog stored it, back to the text its writer typed.

    Line breaks and paragraphs become newlines; entities become characters.
    Tags stay as typed: the sanitiser keeps the few comments allow (<b>, <i>,
    <a href>) and shows the rest as text, so nothing in an archive runs.
    """
    text = _BREAKS.sub("\n", markup)
    text = _PARAGRAPH_ENDS.sub("\n\n", text)
    text = html.unescape(text).replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def shortened_name(name: str) -> tuple[str, bool]:
    """A display name that fits the field, and whether it had to be shortened (the summary says so).

    Line breaks and tabs (a name is one line) become spaces; the rest is kept as written.
    """
    name = re.sub(r"[\t\r\n]+", " ", name).strip()
    if len(name) <= AUTHOR_NAME_MAX_LENGTH:
        return name, False
    return name[: AUTHOR_NAME_MAX_LENGTH - 1].rstrip() + "…", True


_BLOCK_START = re.compile(r"\s*<(?:!--|p[\s>]|div|h[1-6]|ul|ol|li|blockquote|table|figure|pre|hr|img)", re.IGNORECASE)


def paragraphs_from_plain_html(body: str) -> str:
    """Paragraphs for HTML written with blank lines between them (WordPress's classic editor).

    Blank-line-separated chunks that do not start with a block element become
    <p>, their single line breaks <br>; chunks that do (blocks, or the block
    editor's markers) are kept as they are.
    """
    chunks = [chunk.strip("\n") for chunk in re.split(r"\n[ \t]*\n", body.replace("\r\n", "\n")) if chunk.strip()]
    return "\n".join(
        chunk if _BLOCK_START.match(chunk) else "<p>" + chunk.replace("\n", "<br>\n") + "</p>" for chunk in chunks
    )


def path_of(address: str) -> str:
    """An old address as this site will be asked for it: its decoded path ("/2020/10/slug.html").

    The query is dropped, except on the home page, where WordPress's "plain"
    permalinks name the post (/?p=1041).
    """
    parts = urlsplit(address.strip())
    path = unquote(parts.path) or "/"
    if path == "/" and parts.query:
        return f"/?{parts.query}"
    return path


def path_variants(path: str) -> list[str]:
    """The path with and without its closing slash: old sites and their links disagree."""
    if not path or "?" in path:
        return [path] if path else []
    return [path, path.rstrip("/")] if path.endswith("/") and path != "/" else [path, path + "/"]
