"""The site's two roles and their permissions; migration 0003 creates the groups from this."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

ROLES = {
    # Decide on comments, reports and removal requests; ban posters; read the full log.
    "Moderators": [
        ("moderation", "moderate_comments"),
        ("moderation", "ban_posters"),
        ("moderation", "view_moderationlogentry"),
        ("moderation", "view_removalrequest"),
        ("moderation", "view_report"),
        ("moderation", "view_ban"),
        ("forum", "view_comment"),
    ],
    # Publish posts and their sections in the admin (members also need is_staff for the admin).
    "Editors": [
        ("forum", "add_post"),
        ("forum", "change_post"),
        ("forum", "view_post"),
        ("forum", "add_postsection"),
        ("forum", "change_postsection"),
        ("forum", "delete_postsection"),
        ("forum", "view_postsection"),
        ("forum", "review_submissions"),
    ],
}


def grant_role_permissions(group, permission_model) -> None:
    """Give a role's group the permissions that exist so far (works with a migration's historical models too).

    A permission added by a later migration is granted by that migration.
    """
    for app_label, codename in ROLES[group.name]:
        permission = permission_model.objects.filter(content_type__app_label=app_label, codename=codename).first()
        if permission is not None:
            group.permissions.add(permission)


# What each role is called on the command line (manage.py grant_role), and its group.
ROLE_GROUPS = {"moderator": "Moderators", "editor": "Editors"}


def role_grant(*, user, role: str) -> None:
    """Put a member in a role's group; an editor also gets staff status, which the admin needs."""
    with transaction.atomic():
        user.groups.add(_group(ROLE_GROUPS[role]))
        if role == "editor" and not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])


def role_revoke(*, user, role: str) -> None:
    """Take a member out of a role's group (staff status stays: an administrator may have given it)."""
    user.groups.remove(_group(ROLE_GROUPS[role]))


def _group(name: str) -> Group:
    group, created = Group.objects.get_or_create(name=name)
    if created:  # a database whose groups were emptied after migration 0003 made them
        grant_role_permissions(group, Permission)
    return group
