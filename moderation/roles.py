"""The site's two roles and their permissions; migration 0003 creates the groups from this."""

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
