from forum.archives.command import ArchiveImportCommand
from forum.archives.disqus import read_disqus


class Command(ArchiveImportCommand):
    help = (
        "Import a Disqus comments export. Comments join the posts imported from the same addresses "
        "(import the blog first). Safe to run again."
    )
    format_name = "Disqus export"

    def read(self, path):
        return read_disqus(path)
