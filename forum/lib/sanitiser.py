"""The only place the project turns user-written text into HTML.

Comment and post text is plain text with paragraphs and line breaks, plus the
small set of tags Blogger allowed. Everything else is shown as text, never
executed. Call `text_to_html` once when text is written and store the result;
pages render the stored HTML. Swapping bleach for another sanitiser means
changing this module only.

Posts brought in from an old blog are the editors' HTML: `post_html_to_html`
keeps its structure (headings, lists, images over http/https, tables) and
drops everything else, with scripts and styles taken out whole.
"""

import html
import re
import unicodedata
from urllib.parse import urlsplit

import bleach
from bleach.linkifier import Linker
from django.utils.html import strip_tags

ALLOWED_TAGS = frozenset({"b", "i", "em", "strong", "a", "blockquote"})
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
_ABSOLUTE_LINK_PREFIXES = tuple(f"{protocol}:" for protocol in ALLOWED_PROTOCOLS)


def _allowed_link_attribute(tag: str, name: str, value: str) -> bool:
    # Only absolute links: bleach lets a scheme-less href through as relative, and
    # "\x0Bjavascript:…" or "java&#1;script:…" then reaches the page as a link.
    if name == "href":
        return value.strip().lower().startswith(_ABSOLUTE_LINK_PREFIXES)
    return name == "title"


ALLOWED_ATTRIBUTES = {"a": _allowed_link_attribute}
LINK_REL = "nofollow ugc noopener"

_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=False,  # disallowed tags are escaped and shown as typed
    strip_comments=True,
)


def _set_rel(attrs, new=False):
    attrs[(None, "rel")] = LINK_REL
    attrs.pop((None, "target"), None)
    return attrs


_linker = Linker(callbacks=[_set_rel], parse_email=False)

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0]*\n+")


def text_to_html(text: str) -> str:
    """Sanitise plain text into HTML paragraphs with linked URLs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    if not text.strip():
        return ""
    cleaned = _cleaner.clean(text)
    paragraphs = [part for part in _PARAGRAPH_BREAK.split(cleaned) if part.strip()]
    html = "".join("<p>" + part.replace("\n", "<br>\n") + "</p>\n" for part in paragraphs)
    return _linker.linkify(html)


POST_TAGS = ALLOWED_TAGS | frozenset(
    {
        "p",
        "br",
        "div",
        "span",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "u",
        "s",
        "strike",
        "sub",
        "sup",
        "small",
        "hr",
        "pre",
        "code",
        "img",
        "figure",
        "figcaption",
        "table",
        "caption",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
    }
)
_IMAGE_PREFIXES = ("http:", "https:")
# Elements whose content is code or styling, never words: removed whole before sanitising
# (bleach would strip the tags and leave "alert(1)" showing as text).
# Only a complete element is removed: one left open is sanitised like the rest (shown as text).
_CODE_ELEMENTS = re.compile(
    r"<(script|style|noscript|iframe|object|template|textarea|select)(?=[\s/>])[^>]*>.*?</\1\s*>",
    re.IGNORECASE | re.DOTALL,
)
_IGNORED_IN_URLS = re.compile(r"[\t\r\n]")


def _is_path_on_this_site(value: str) -> bool:
    """ "/p/about.html", as a browser will read it: no "//elsewhere", however it is encoded."""
    decoded = _IGNORED_IN_URLS.sub("", html.unescape(value)).strip().replace("\\", "/")
    parts = urlsplit(decoded)
    return decoded.startswith("/") and not decoded.startswith("//") and not parts.scheme and not parts.netloc


def _allowed_post_attribute(tag: str, name: str, value: str) -> bool:
    value = value.strip().lower()
    if tag == "a" and name == "href":
        return value.startswith(_ABSOLUTE_LINK_PREFIXES) or _is_path_on_this_site(value)
    if tag == "img":
        if name == "src":
            return value.startswith(_IMAGE_PREFIXES)
        return name in {"alt", "title", "width", "height"}
    if tag in {"td", "th"}:
        return name in {"colspan", "rowspan"}
    return name == "title"


_post_cleaner = bleach.Cleaner(
    tags=POST_TAGS,
    attributes=_allowed_post_attribute,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,  # an editor's <font> or <o:p> goes; its words stay
    strip_comments=True,
)


def post_html_to_html(html: str) -> str:
    """Sanitise an editor's HTML post body: structure kept, no script, style, event handler or javascript: URL."""
    if not html.strip():
        return ""
    return _post_cleaner.clean(_CODE_ELEMENTS.sub("", html)).strip()


def plain_text(markup: str) -> str:
    """The words of stored HTML without its tags, entities decoded: for excerpts, snippets and descriptions."""
    return html.unescape(strip_tags(markup))


_BLOCK_TAG = re.compile(r"</?(?:p|br|blockquote|div|li|ul|ol)\b[^>]*>", re.IGNORECASE)
# Characters that show nothing but split a word for a program: zero-width spaces and joiners, soft hyphens.
_INVISIBLE = dict.fromkeys(
    map(ord, "\u00ad\u034f\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff")
)


def screenable_text(markup: str) -> str:
    """The words of stored HTML as a reader sees them, for the watched words (moderation.screening).

    Tags inside a word ("sp<b></b>am") join it as the page does; paragraphs and
    line breaks part words; invisible characters go; accents written as
    separate marks are composed (NFC), so "spa\u0301m" reads as one word.
    """
    return unicodedata.normalize("NFC", plain_text(_BLOCK_TAG.sub(" ", markup)).translate(_INVISIBLE))
