"""Read a large XML archive one entry at a time, in bounded memory, refusing entity tricks.

defusedxml refuses entity expansion and external references (a "billion
laughs" file or one that reads local files); each finished entry is handed
over and then dropped from the tree, so memory stays flat however big the file.
"""

from collections.abc import Iterator
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from forum.archives.records import ArchiveError


def elements(source, tags: set[str]) -> Iterator[Element]:
    """Each element named in `tags` (Clark notation, "{namespace}name"), once it is complete.

    Parse errors become ArchiveError naming the line and column.
    """
    stack: list[Element] = []
    try:
        for event, element in iterparse(source, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                stack.append(element)
                continue
            stack.pop()
            if element.tag in tags and not any(parent.tag in tags for parent in stack):
                yield element
                element.clear()
                if stack:
                    stack[-1].remove(element)
    except ParseError as error:
        line, column = error.position
        raise ArchiveError(f"the file is not well-formed XML at line {line}, column {column + 1}") from None
    except DefusedXmlException as error:
        raise ArchiveError(f"the file uses XML features an archive never needs ({error})") from None


def text(element: Element | None, default: str = "") -> str:
    if element is None or element.text is None:
        return default
    return element.text
