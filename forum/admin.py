from django.contrib import admin
from mptt.admin import MPTTModelAdmin

from moderation.services import post_policy_set

from .models import Comment, Post, PostSection


class PostSectionInline(admin.StackedInline):
    model = PostSection
    extra = 1
    fields = ("position", "heading", "body", "credit", "removed_at_authors_request")


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("title", "published_on", "editor", "comment_policy")
    search_fields = ("title",)
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "published_on"
    inlines = [PostSectionInline]

    def save_model(self, request, obj, form, change):
        if obj.editor_id is None:
            obj.editor = request.user
        if change and "comment_policy" in form.changed_data:
            # A policy change goes through the service, which writes the moderation log.
            policy, obj.comment_policy = obj.comment_policy, form.initial["comment_policy"]
            super().save_model(request, obj, form, change)
            post_policy_set(post=obj, policy=policy, moderator=request.user, reason="Changed in the admin.")
            obj.refresh_from_db(fields=["comment_policy"])
            return
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        # Sections store their sanitised HTML, rendered here once, never on read.
        sections = formset.save(commit=False)
        for section in formset.deleted_objects:
            section.delete()
        for section in sections:
            if section.removed_at_authors_request:
                section.remove_at_authors_request()
            else:
                section.set_body(section.body)
            section.save()


@admin.register(Comment)
class CommentAdmin(MPTTModelAdmin):
    list_display = ("__str__", "post", "author_label", "state", "created_at")
    list_filter = ("state",)
    search_fields = ("text", "author_name", "author__handle")
    list_select_related = ("post", "author")
    raw_id_fields = ("post", "parent", "author")
    fields = ("post", "parent", "author", "author_name", "text", "state", "created_at")
    # States change only through the moderation pages, which keep the record.
    readonly_fields = ("state",)
    mptt_level_indent = 16

    def save_model(self, request, obj, form, change):
        # The stored HTML is rendered on write, never on read.
        obj.set_text(obj.text)
        super().save_model(request, obj, form, change)
