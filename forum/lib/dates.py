"""The site's one way of writing dates and times, as comments name them: "19:12, 24 November 2026".

Plain strftime in the site's time zone (Django's date filter measured slow on thread pages)."""

from datetime import date, datetime

from django.utils import timezone


def long_date(value: date | datetime | None) -> str:
    """ "24 November 2026" (a moment is read on the site's clock)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value.day} {value:%B %Y}"


def date_and_time(moment: datetime | None) -> str:
    """ "19:12, 24 November 2026" on the site's clock."""
    if moment is None:
        return ""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return f"{local:%H:%M}, {long_date(local)}"
