"""The forum's tables, one module per subject; every model is importable from here (forum.models.Comment).

posts: posts, their sections and labels; comments: the threaded comments;
follows: members following posts and the reply emails waiting for them;
submissions: pieces readers send the editors; site: the site's own settings;
jobs: when each periodic job is next due; quotes: fingerprints that find quotes of erased words.
"""

from forum.models.comments import AUTHOR_NAME_MAX_LENGTH, COMMENT_MAX_LENGTH, Comment, CommentQuerySet
from forum.models.follows import Notification, PostFollow
from forum.models.jobs import HealthProbe, ScheduledJob
from forum.models.posts import (
    REMOVED_AT_AUTHORS_REQUEST_TEXT,
    SECTION_MAX_LENGTH,
    CommentPolicy,
    Label,
    Post,
    PostSection,
    opening_lines,
    opening_of,
)
from forum.models.quotes import QuoteMark
from forum.models.site import SettingsRow, SiteSettings
from forum.models.submissions import Submission

__all__ = [
    "AUTHOR_NAME_MAX_LENGTH",
    "COMMENT_MAX_LENGTH",
    "REMOVED_AT_AUTHORS_REQUEST_TEXT",
    "SECTION_MAX_LENGTH",
    "Comment",
    "CommentPolicy",
    "CommentQuerySet",
    "HealthProbe",
    "Label",
    "Notification",
    "Post",
    "PostFollow",
    "PostSection",
    "QuoteMark",
    "ScheduledJob",
    "SettingsRow",
    "SiteSettings",
    "Submission",
    "opening_lines",
    "opening_of",
]
