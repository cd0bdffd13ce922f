"""Read the blog's text export (the documents in seeds/) into posts and comment trees.

The format, as Blogger pages copy out as text:

    Thursday 29 October 2020            a date line ("Thursday, 18 March 2021" too)
    At Odds With The Evidence           the title
    ...body paragraphs...               sections separated by a line "--oo00oo--";
                                        a section "Removed at author's request."
    25 comments:                        also "1 comment:" and "No comments:"
      1. first line of a comment        top-level comments, indented two spaces,
        more lines                      continuation lines four
        ReplyDelete                     closes a top-level comment
        Replies                         optional, then its replies:
        1. first line of a reply        indented four, continuation lines six
          Delete                        closes a reply

The count includes replies. Comments carry no names or times, so they come in
as anonymous with no time, in their order. A file is imported whole or not at all.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from forum.lib.dates import long_date
from forum.models import Comment, Post, PostSection
from forum.services import posts as post_service
from forum.services.comments import comment_import

SECTION_SEPARATOR = "--oo00oo--"
REMOVED_SECTION_TEXTS = {"Removed at author's request.", "Removed at author\u2019s request."}
TOMBSTONE_STATES = {
    "This comment has been removed by the author.": Comment.State.REMOVED_BY_AUTHOR,
    "This comment has been removed by a blog administrator.": Comment.State.REMOVED_BY_MODERATOR,
}
COUNT_LINE = re.compile(r"^(No|\d+) comments?:\s*$")
TOP_LEVEL_START = re.compile(r"^  (\d+)\.(?: (.*))?$")
REPLY_START = re.compile(r"^    (\d+)\.(?: (.*))?$")
TOP_LEVEL_INDENT, REPLY_INDENT = 4, 6


class SeedImportError(Exception):
    """A file that cannot be imported, with the line that shows why."""

    def __init__(self, line: int, message: str, path: Path | None = None):
        super().__init__(message)
        self.line, self.message, self.path = line, message, path

    def __str__(self) -> str:
        return f"{self.path or '<text>'}:{self.line}: {self.message}"


@dataclass
class ParsedComment:
    line: int
    text: str
    state: str
    replies: list["ParsedComment"] = field(default_factory=list)


@dataclass
class ParsedPost:
    published_on: date
    title: str
    title_line: int
    sections: list[tuple[int, str | None]]  # (line, text); None for a removed section
    declared_count: int
    count_line: int
    comments: list[ParsedComment]

    @property
    def reply_count(self) -> int:
        return sum(len(comment.replies) for comment in self.comments)

    @property
    def total_count(self) -> int:
        return len(self.comments) + self.reply_count


@dataclass
class ImportResult:
    path: Path
    post: Post
    parsed: ParsedPost
    created: bool

    def summary(self) -> str:
        if not self.created:
            return f"{self.path.name}: “{self.post.title}” is already imported; nothing changed."
        removed_sections = sum(1 for _, text in self.parsed.sections if text is None)
        every_comment = [c for top in self.parsed.comments for c in [top, *top.replies]]
        removed_comments = sum(1 for c in every_comment if c.state != Comment.State.PUBLISHED)
        return (
            f"{self.path.name}: imported “{self.post.title}” ({long_date(self.post.published_on)}): "
            f"{_count(len(self.parsed.sections), 'section')} ({removed_sections} removed at author's request), "
            f"{_count(self.parsed.total_count, 'comment')} ({len(self.parsed.comments)} top-level, "
            f"{_count(self.parsed.reply_count, 'reply', 'replies')}, {removed_comments} removed)."
        )


def _count(number: int, singular: str, plural: str = "") -> str:
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def parse_seed(text: str) -> ParsedPost:
    """Parse one document; raise SeedImportError naming the offending line."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cursor = _next_non_blank(lines, 0)
    if cursor >= len(lines):
        raise SeedImportError(1, "the file is empty")
    published_on = _parse_date(lines[cursor], cursor)
    title_index = _next_non_blank(lines, cursor + 1)
    if title_index >= len(lines):
        raise SeedImportError(cursor + 1, "a title should follow the date")
    title = lines[title_index].strip()
    count_index = _find_count_line(lines, title_index + 1)
    count_word = COUNT_LINE.match(lines[count_index]).group(1)
    declared = 0 if count_word == "No" else int(count_word)
    comments = _parse_comments(lines, count_index + 1)
    parsed = ParsedPost(
        published_on=published_on,
        title=title,
        title_line=title_index + 1,
        sections=_parse_sections(lines, title_index + 1, count_index),
        declared_count=declared,
        count_line=count_index + 1,
        comments=comments,
    )
    if parsed.total_count != declared:
        raise SeedImportError(
            parsed.count_line,
            f"the file declares {declared} comments but holds {parsed.total_count} "
            f"({len(comments)} top-level and {parsed.reply_count} replies)",
        )
    return parsed


def import_seed_file(path: Path) -> ImportResult:
    """Import one file whole, or raise SeedImportError and leave nothing behind."""
    try:
        parsed = parse_seed(_read_text(path))
        slug = slugify(parsed.title)[:200]
        if not slug:
            raise SeedImportError(parsed.title_line, "the title gives no usable web address (slug)")
        existing = Post.objects.filter(slug=slug).first()
        if existing is not None:
            return ImportResult(path=path, post=existing, parsed=parsed, created=False)
        with transaction.atomic():
            post = _create_post(parsed, slug)
            for top in parsed.comments:
                root = _create_comment(post, top, parent=None)
                for reply in top.replies:
                    _create_comment(post, reply, parent=root)
    except SeedImportError as error:
        error.path = path
        raise
    return ImportResult(path=path, post=post, parsed=parsed, created=True)


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SeedImportError(0, f"cannot read the file ({error.strerror})") from error
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SeedImportError(line, "the file is not valid UTF-8") from error


def _create_post(parsed: ParsedPost, slug: str) -> Post:
    post = Post(title=parsed.title, slug=slug, published_on=parsed.published_on)
    _written(lambda: post_service.post_save(post=post), parsed.title_line)
    for position, (line, text) in enumerate(parsed.sections, start=1):
        section = PostSection(post=post, position=position, body=text or "", removed_at_authors_request=text is None)
        _written(lambda section=section: post_service.section_save(section=section, editor=None), line)
    return post


def _create_comment(post: Post, parsed: ParsedComment, parent: Comment | None) -> Comment:
    try:
        return comment_import(post=post, parent=parent, text=parsed.text, state=parsed.state)
    except ValidationError as error:
        raise SeedImportError(parsed.line, "; ".join(error.messages)) from error


def _written(write, line: int):
    """Run one write through its service; a refusal names the file's line."""
    try:
        return write()
    except ValidationError as error:
        raise SeedImportError(line, "; ".join(error.messages)) from error


def _next_non_blank(lines: list[str], index: int) -> int:
    while index < len(lines) and not lines[index].strip():
        index += 1
    return index


def _parse_date(line: str, index: int) -> date:
    cleaned = " ".join(line.replace(",", " ").split())
    try:
        return datetime.strptime(cleaned, "%A %d %B %Y").date()
    except ValueError:
        raise SeedImportError(
            index + 1, f"expected a date like 'Thursday 29 October 2020', found {line.strip()!r}"
        ) from None


def _find_count_line(lines: list[str], start: int) -> int:
    """The first count line that the comments (or the end of the file) follow."""
    for index in range(start, len(lines)):
        if COUNT_LINE.match(lines[index]):
            following = _next_non_blank(lines, index + 1)
            if following >= len(lines) or TOP_LEVEL_START.match(lines[following]):
                return index
    raise SeedImportError(start + 1, "no comment count line (like '25 comments:') after the post's body")


def _parse_sections(lines: list[str], start: int, end: int) -> list[tuple[int, str | None]]:
    sections = []
    section_start = start
    for index in range(start, end + 1):
        if index == end or lines[index].strip() == SECTION_SEPARATOR:
            text, first_line = _trimmed(lines[section_start:index], section_start)
            if not text:
                if index < end or sections:
                    raise SeedImportError(section_start + 1, "an empty section between separators")
            else:
                removed = text.strip() in REMOVED_SECTION_TEXTS
                sections.append((first_line + 1, None if removed else text))
            section_start = index + 1
    return sections


def _trimmed(block: list[str], first_index: int) -> tuple[str, int]:
    """Join lines verbatim, dropping blank lines at either end; return text and its first line."""
    start, end = 0, len(block)
    while start < end and not block[start].strip():
        start += 1
    while end > start and not block[end - 1].strip():
        end -= 1
    return "\n".join(block[start:end]), first_index + start


def _parse_comments(lines: list[str], start: int) -> list[ParsedComment]:
    comments: list[ParsedComment] = []
    index = _next_non_blank(lines, start)
    while index < len(lines):
        match = TOP_LEVEL_START.match(lines[index])
        expected = len(comments) + 1
        if not match:
            raise SeedImportError(index + 1, f"expected comment {expected}, a line like '  {expected}. text'")
        if int(match.group(1)) != expected:
            raise SeedImportError(index + 1, f"expected comment number {expected}, found {match.group(1)}")
        comment, index = _read_comment(lines, index, match.group(2), TOP_LEVEL_INDENT, "ReplyDelete")
        comments.append(comment)
        index = _next_non_blank(lines, index)
        if index < len(lines) and lines[index].rstrip() == "    Replies":
            replies_line = index
            index = _next_non_blank(lines, index + 1)
            while index < len(lines) and (match := REPLY_START.match(lines[index])):
                expected = len(comment.replies) + 1
                if int(match.group(1)) != expected:
                    raise SeedImportError(index + 1, f"expected reply number {expected}, found {match.group(1)}")
                reply, index = _read_comment(lines, index, match.group(2), REPLY_INDENT, "Delete")
                comment.replies.append(reply)
                index = _next_non_blank(lines, index)
            if not comment.replies:
                raise SeedImportError(replies_line + 1, "'Replies' is followed by no reply")
    return comments


def _read_comment(
    lines: list[str], start: int, first_text: str | None, indent: int, closer: str
) -> tuple[ParsedComment, int]:
    """Read a comment's body up to its closing furniture line; return it and the next index."""
    body = [first_text or ""]
    index = start + 1
    while index < len(lines):
        if lines[index].strip() == closer:
            text, _ = _trimmed(body, 0)
            state = TOMBSTONE_STATES.get(text.strip(), Comment.State.PUBLISHED)
            if state != Comment.State.PUBLISHED:
                text = ""
            return ParsedComment(line=start + 1, text=text, state=state), index + 1
        body.append(_dedent(lines[index], indent))
        index += 1
    raise SeedImportError(start + 1, f"this comment is not closed by a '{closer}' line")


def _dedent(line: str, indent: int) -> str:
    leading = len(line) - len(line.lstrip(" "))
    return line[min(leading, indent) :]
