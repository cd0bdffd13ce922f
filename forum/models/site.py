"""The site's own settings: one cached row each, edited in the admin."""

import hashlib

from django.core.cache import cache
from django.db import models, transaction

from forum.params import refuse_control_characters_in_line


class SettingsRow(models.Model):
    """Site-wide choices in one row, edited in the admin and read by every page. Kept in the cache,
    dropped on save, and re-read at least every minute (a per-process cache cannot hear another
    process's save)."""

    CACHE_KEY = ""  # each kind of settings names its own
    CACHE_SECONDS = 60

    class Meta:
        abstract = True

    @classmethod
    def current(cls):
        row = cache.get(cls.CACHE_KEY)
        if row is None:
            # A plain read, which a replica may answer (get_or_create reads from the primary, and every
            # page would fail with it); the row is made on the primary only the first time.
            row = cls.objects.filter(pk=1).first() or cls.objects.get_or_create(pk=1)[0]
            cache.set(cls.CACHE_KEY, row, cls.CACHE_SECONDS)
        return row

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # At once for this request, and again at commit: another process may cache the old row meanwhile.
        cache.delete(self.CACHE_KEY)
        transaction.on_commit(lambda: cache.delete(self.CACHE_KEY))


class SiteSettings(SettingsRow):
    """The site's name and what it is about, edited in the admin: the header, page titles, feeds,
    emails and search engines' snippets use them."""

    CACHE_KEY = "forum:site-settings"

    name = models.CharField(max_length=80, default="Forum", validators=[refuse_control_characters_in_line])
    description = models.CharField(
        max_length=300,
        default="A moderated discussion forum: readers answer the editors' posts, anonymously or under a handle.",
        validators=[refuse_control_characters_in_line],
        help_text="One or two sentences: shown on the home page, in the feeds and to search engines.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "site settings"

    def __str__(self) -> str:
        return "Site settings"

    @property
    def stamp(self) -> str:
        """Changes when what pages show of the settings changes (cached pages hold it in their stamp);
        the same in every process."""
        return hashlib.sha256(f"{self.name}\n{self.description}".encode()).hexdigest()[:12]
