"""Make a member a moderator or an editor without opening the admin: the first moderator, or a local try-out."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from moderation.roles import ROLE_GROUPS, role_grant, role_revoke


class Command(BaseCommand):
    help = "Give a member (by handle) the moderator or editor role, or take it away with --remove."

    def add_arguments(self, parser):
        parser.add_argument("handle", help="The member's handle; they sign up at /accounts/signup/ first.")
        parser.add_argument(
            "role",
            choices=sorted(ROLE_GROUPS),
            help="moderator: the queue, the log, bans. editor: posts in the admin and the pieces readers send in.",
        )
        parser.add_argument("--remove", action="store_true", help="Take the role away instead.")

    def handle(self, *args, handle, role, remove, **options):
        user = User.objects.filter(handle__iexact=handle.strip()).first()
        if user is None:
            raise CommandError(f"No member has the handle “{handle}”. They sign up at /accounts/signup/ first.")
        if remove:
            role_revoke(user=user, role=role)
            self.stdout.write(f"{user.handle} is no longer {'an' if role == 'editor' else 'a'} {role}.")
            return
        role_grant(user=user, role=role)
        where = "/admin/ (posts) and /editors/pieces/" if role == "editor" else "/moderation/"
        self.stdout.write(f"{user.handle} is now {'an' if role == 'editor' else 'a'} {role}: see {where}.")
