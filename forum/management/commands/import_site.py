from django.core.management.base import CommandError

from forum.archives.command import ArchiveImportCommand
from forum.archives.site_export import read_site_export
from forum.models import Comment, Post


class Command(ArchiveImportCommand):
    help = "Read a file written by export_site into an empty site."
    format_name = "site export (JSON Lines)"
    keep_order = True
    allow_empty = True  # an export of a site with nothing on it yet

    def check_site(self):
        if Post.objects.exists() or Comment.objects.exists():
            raise CommandError("This site already has posts: import_site fills an empty site only.")

    def read(self, path):
        with path.open(encoding="utf-8") as lines:
            yield from read_site_export(lines)
