"""What every import command shares: read a file with a format's reader, write it through the core, report."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from forum.archives.records import ArchiveError
from forum.archives.writer import import_records


class ArchiveImportCommand(BaseCommand):
    format_name = ""
    keep_order = False
    allow_empty = False

    def add_arguments(self, parser):
        parser.add_argument("path", help=f"The {self.format_name} file.")

    def read(self, path: Path):
        """The format's records, one at a time."""
        raise NotImplementedError

    def check_site(self) -> None:
        """Refuse with CommandError when the site is not ready for this import."""

    def handle(self, *args, path, **options):
        path = Path(path)
        if path.is_dir():
            raise CommandError(f"{path}: this is a folder; give the archive file itself.")
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        self.check_site()
        self.stdout.write(f"Reading {path} ({path.stat().st_size / 1e6:,.1f} MB) as {self.format_name}…")
        try:
            summary = import_records(
                self.read(path), progress=self.stdout.write, keep_order=self.keep_order, allow_empty=self.allow_empty
            )
        except OSError as error:
            raise CommandError(
                f"{path}: cannot read the file ({error.strerror or error}). Nothing was imported."
            ) from None
        except UnicodeDecodeError as error:
            raise CommandError(
                f"{path}: the file is not UTF-8 text ({error.reason} at byte {error.start}). Nothing was imported."
            ) from None
        except ArchiveError as error:
            consequence = " Nothing was imported." if error.nothing_written else ""
            raise CommandError(f"{path}: refused: {error}.{consequence}") from None
        for line in summary.lines():
            self.stdout.write(line)
