from forum.archives.command import ArchiveImportCommand
from forum.archives.wordpress import read_wordpress


class Command(ArchiveImportCommand):
    help = "Import a WordPress export (WXR): posts, pages, labels and threaded comments. Safe to run again."
    format_name = "WordPress export (WXR)"

    def read(self, path):
        return read_wordpress(path)
