from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from forum.archives.seeds import SeedImportError, import_seed_file


class Command(BaseCommand):
    help = "Import posts and comment threads from text exports (default: every seeds/*.txt)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="Files, or folders whose *.txt files are imported.")

    def handle(self, *args, paths, **options):
        files = _expand(paths or [settings.BASE_DIR / "seeds"])
        if not files:
            raise CommandError("No .txt files to import.")
        refused = 0
        for path in files:
            try:
                result = import_seed_file(path)
            except SeedImportError as error:
                refused += 1
                self.stderr.write(f"{error} — nothing imported from this file.")
                continue
            self.stdout.write(result.summary())
        if refused:
            raise CommandError(f"{refused} of {len(files)} files refused.")


def _expand(paths) -> list[Path]:
    files = []
    for path in map(Path, paths):
        files.extend(sorted(path.glob("*.txt")) if path.is_dir() else [path])
    return files
