"""Hostile input shared by the HTTP and browser tests: the Big List of Naughty Strings and XSS evasions."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"


def as_header(value: str) -> str:
    """A header arrives as bytes, which WSGI hands over decoded as Latin-1: "²" as itself, "①" as its UTF-8 bytes."""
    try:
        value.encode("latin-1")
        return value
    except UnicodeEncodeError:
        return value.encode("utf-8").decode("latin-1")


def naughty_strings() -> list[str]:
    return json.loads((DATA / "blns.json").read_text(encoding="utf-8"))


# Written from the usual evasion families: tags and event handlers, javascript: and data: URLs
# hidden by entities, whitespace and case, broken and nested markup, and forged reference markers.
XSS_VECTORS = [
    "<script>alert(1)</script>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<scr<script>ipt>alert(1)</script>",
    "<<script>alert(1)//<</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script>",
    "<body onload=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<b onmouseover=alert(1)>bold</b>",
    '<blockquote style="background:url(javascript:alert(1))">quoted</blockquote>',
    '<a href="javascript:alert(1)">link</a>',
    '<a href="JaVaScRiPt:alert(1)">link</a>',
    '<a href="jav&#x09;ascript:alert(1)">link</a>',
    '<a href="&#106;avascript:alert(1)">link</a>',
    '<a href=" javascript:alert(1)">link</a>',
    '<a href="vbscript:msgbox(1)">link</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">link</a>',
    '<a href="http://example.org" onclick="alert(1)">link</a>',
    '<a href=http://example.org/"onmouseover="alert(1)>link</a>',
    '<a href="mailto:x@example.org" title="" onmouseover=alert(1)//">mail</a>',
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    "<style>@import 'javascript:alert(1)';</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<form action=javascript:alert(1)><button>go</button></form>",
    "<base href=javascript:alert(1)//>",
    '<meta http-equiv=refresh content="0;url=javascript:alert(1)">',
    "http://example.org/<script>alert(1)</script>",
    'https://example.org/?q="><svg/onload=alert(1)>',
    "@anon 19:12 <img src=x onerror=alert(1)>",
    '<a href="#c1" class="comment-ref" data-candidates="1" onclick="alert(1)">19:12</a>',
    "<a href='#' title='\" onmouseover=alert(1) x=\"'>t</a>",
]

# What stored HTML from readers may contain: the sanitiser's allowlist, the paragraphs it
# writes, and the reference links it adds (forum.lib.references).
ALLOWED_ELEMENTS = {"p", "br", "a", "b", "i", "em", "strong", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "rel", "class", "data-candidates", "data-target"}}
SAFE_URL_PREFIXES = ("http://", "https://", "mailto:", "#c")
SAFE_SCHEMES = {"http", "https", "mailto"}
_SCHEME = re.compile(r"\s*([a-zA-Z][a-zA-Z0-9+.-]*):")


class MarkupAudit(HTMLParser):
    """Collects every element, attribute and URL that falls outside what is allowed."""

    def __init__(self, *, allowed_elements=None, allowed_attributes=None, absolute_links_only=False):
        super().__init__(convert_charrefs=True)
        self.absolute_links_only = absolute_links_only
        self.allowed_elements = allowed_elements
        self.allowed_attributes = allowed_attributes
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if self.allowed_elements is not None and tag not in self.allowed_elements:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}>")
            elif self.allowed_attributes is not None and name not in self.allowed_attributes.get(tag, set()):
                self.problems.append(f"<{tag} {name}>")
            if name in {"href", "src", "action", "formaction", "data"} and value is not None:
                if not self._is_safe_url(value):
                    self.problems.append(f"<{tag} {name}={value[:40]!r}>")
        if tag == "script" and not dict(attrs).get("src", "").startswith("/static/"):
            self.problems.append("inline <script>")

    handle_startendtag = handle_starttag

    def _is_safe_url(self, value: str) -> bool:
        if self.absolute_links_only:  # readers' links: to other sites, or the site's own reference markers
            return value.strip().lower().startswith(SAFE_URL_PREFIXES)
        scheme = _SCHEME.match(value)
        return scheme is None or scheme[1].lower() in SAFE_SCHEMES


def stored_html_problems(html: str) -> list[str]:
    """Elements or attributes outside the allowlist in HTML the site stored from a reader."""
    audit = MarkupAudit(
        allowed_elements=ALLOWED_ELEMENTS, allowed_attributes=ALLOWED_ATTRIBUTES, absolute_links_only=True
    )
    audit.feed(html)
    audit.close()
    return audit.problems


def page_problems(html: str) -> list[str]:
    """Anything on a whole page that could run script: handlers, inline scripts, script URLs."""
    audit = MarkupAudit()
    audit.feed(html)
    audit.close()
    return audit.problems
