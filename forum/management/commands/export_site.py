import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from forum.archives.site_export import FORMAT, VERSION, export_site


class Command(BaseCommand):
    help = (
        f"Write every post, section, label and comment to a {FORMAT} v{VERSION} JSON Lines file ('-': standard output)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        if path == "-":
            export_site(sys.stdout)
            return
        target = Path(path)
        partial = target.with_name(target.name + ".partial")
        try:
            # Written aside and moved into place: a failed export never leaves a file that looks whole.
            with partial.open("w", encoding="utf-8", newline="\n") as out:
                counts = export_site(out)
            partial.replace(target)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(f"{target}: cannot write the export ({error.strerror}).") from None
        self.stdout.write(
            f"Wrote {target}: {counts['post']} posts and pages, {counts['comment']} comments, "
            f"{counts['label']} labels, {counts['member']} members named by them."
        )
