"""Read a large XML archive one entry at a time, in bounded memory, refusing entity tricks.

defusedxml refuses entity expansion and external references (a "billion
laughs" file or one that reads local files); each finished entry is handed
over and then dropped from the tree, so memory stays flat however big the file.
One entry may not run past MAX_ENTRY_BYTES of the (decompressed) file: the
count is kept while reading, so a 0.3 MB zip holding one 300 MB comment is
refused after 32 MB read, not after the whole comment sat in memory (685 MB).
"""

from collections.abc import Iterator
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from forum.archives.records import ArchiveError

# No entry of a real archive comes near this (a comment holds at most 10,000 characters).
MAX_ENTRY_BYTES = 32 * 1024 * 1024


class _Counted:
    """The file, read as the parser reads it, counting the bytes since the last entry was handed over."""

    def __init__(self, source):
        self.source = source
        self.since_entry = 0

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.since_entry += len(data)
        if self.since_entry > MAX_ENTRY_BYTES:
            raise ArchiveError(
                f"one entry runs past {MAX_ENTRY_BYTES // (1024 * 1024)} MB of the file, more than any post or "
                "comment holds: the file is damaged or not an export"
            )
        return data


def elements(source, tags: set[str]) -> Iterator[Element]:
    """Each element named in `tags` (Clark notation, "{namespace}name"), once it is complete.

    Parse errors become ArchiveError naming the line and column.
    """
    stack: list[Element] = []
    counted = _Counted(source)
    try:
        for event, element in iterparse(counted, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                stack.append(element)
                continue
            stack.pop()
            if element.tag in tags and not any(parent.tag in tags for parent in stack):
                counted.since_entry = 0
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
