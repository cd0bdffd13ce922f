from django.apps import AppConfig


class ForumConfig(AppConfig):
    name = "forum"
    verbose_name = "Forum"

    def ready(self):
        from forum.ops import checks  # noqa: F401 - registers the deployment checks
