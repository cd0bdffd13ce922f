from forum.archives.blogger import read_blogger
from forum.archives.command import ArchiveImportCommand


class Command(ArchiveImportCommand):
    help = (
        "Import a Blogger archive: Google Takeout's feed.atom (or the Takeout .zip) or the classic "
        "“Back up content” XML. Posts, pages, labels, comments with their names, times and replies. "
        "Drafts and trashed posts are skipped. Safe to run again: what is already here is left alone."
    )
    format_name = "Blogger export"

    def read(self, path):
        return read_blogger(path)
