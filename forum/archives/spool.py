"""Records parked on disk between reading an archive and writing it.

Archives list comments apart from their posts, in any order, and can be
hundreds of megabytes. The reader's records go into a throwaway SQLite file
(the standard library's, not the site's database), so the importer can
check the whole archive before writing anything and then take one post with
its comments at a time, in bounded memory.
"""

import pickle
import sqlite3
import tempfile
from collections.abc import Iterator

from forum.archives.records import ArchiveError, ImportedComment, ImportedPost


class Spool:
    def __init__(self):
        self._file = tempfile.NamedTemporaryFile(prefix="forum-import-", suffix=".sqlite3")
        self._db = sqlite3.connect(self._file.name)
        self._db.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE TABLE posts (seq INTEGER PRIMARY KEY, key TEXT UNIQUE NOT NULL, record BLOB NOT NULL);
            CREATE TABLE comments (
                seq INTEGER PRIMARY KEY, key TEXT UNIQUE NOT NULL, post_key TEXT NOT NULL, record BLOB NOT NULL
            );
            """
        )
        self.post_count = self.comment_count = 0

    def add(self, record: ImportedPost | ImportedComment) -> None:
        try:
            if isinstance(record, ImportedPost):
                self._db.execute("INSERT INTO posts (key, record) VALUES (?, ?)", (record.key, pickle.dumps(record)))
                self.post_count += 1
            else:
                self._db.execute(
                    "INSERT INTO comments (key, post_key, record) VALUES (?, ?, ?)",
                    (record.key, record.post_key, pickle.dumps(record)),
                )
                self.comment_count += 1
        except sqlite3.IntegrityError:
            raise ArchiveError("the archive holds this entry twice", entry=record.key) from None

    def finish_reading(self) -> None:
        self._db.execute("CREATE INDEX comments_by_post ON comments (post_key, seq)")
        self._db.commit()

    def posts(self) -> Iterator[ImportedPost]:
        for (record,) in self._db.execute("SELECT record FROM posts ORDER BY seq"):
            yield pickle.loads(record)

    def comments_of(self, post_key: str) -> list[ImportedComment]:
        rows = self._db.execute("SELECT record FROM comments WHERE post_key = ? ORDER BY seq", (post_key,))
        return [pickle.loads(record) for (record,) in rows]

    def comment_post_key(self, key: str) -> str | None:
        row = self._db.execute("SELECT post_key FROM comments WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def first_comment_without_post(self) -> tuple[str, str] | None:
        return self._db.execute(
            "SELECT key, post_key FROM comments WHERE post_key NOT IN (SELECT key FROM posts) ORDER BY seq LIMIT 1"
        ).fetchone()

    def close(self) -> None:
        self._db.close()
        self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
