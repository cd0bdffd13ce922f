"""Reading pages as a browser does: links resolved against the page's address, whatever their form."""

from html.parser import HTMLParser
from urllib.parse import urljoin


class _Links(HTMLParser):
    def __init__(self, base: str):
        super().__init__()
        self.base = base
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.found.append((urljoin(self.base, attrs["href"]), attrs))


def links(response) -> dict[str, dict]:
    """Every link on the page, resolved as the browser resolves it (relative, unquoted...): address -> its attributes."""
    base = response.request["PATH_INFO"]
    parser = _Links(base)
    parser.feed(response.content.decode())
    return dict(parser.found)


def links_in(html: str, *, page: str) -> dict[str, dict]:
    parser = _Links(page)
    parser.feed(html)
    return dict(parser.found)
