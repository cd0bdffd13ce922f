"""The admin for posts and comments: every change to words goes through the same services as the site's pages."""

from django import forms
from django.contrib import admin, messages

from forum.lib.people import can_moderate
from forum.models import Comment, Label, Post, PostSection, SiteSettings
from forum.services import posts as post_service
from forum.threads import changes
from moderation.admin import ReadOnlyAdmin, SettingsRowAdmin
from moderation.services.policies import post_policy_set
from moderation.services.queue import queue_decide
from moderation.services.requests import section_remove_at_authors_request
from moderation.transitions import COMMENT_TRANSITIONS


class PostSectionForm(forms.ModelForm):
    """A section as the admin edits it: a removal at the author's request is final.

    Its position is the form's own field, not the model's: a new part may leave it empty (it goes after
    the others, as two parts added with "Add another" both would otherwise read 0), and parts may swap
    places, which the one-position-each constraint checked part by part would refuse. The formset checks
    the positions together; forum.services.posts.sections_save writes them."""

    position = forms.IntegerField(
        min_value=0,
        required=False,
        help_text="Where this part goes in the post (1 first). Leave empty to put a new part after the others.",
    )

    class Meta:
        model = PostSection
        fields = ("heading", "body_format", "body", "credit", "offers_removal_requests", "removed_at_authors_request")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial.setdefault("position", self.instance.position)

    def clean(self):
        cleaned = super().clean()
        was_removed = self.instance.pk is not None and self.instance.removed_at_authors_request
        if was_removed and self.has_changed():
            raise forms.ValidationError("This part of the post was removed at its author's request and stays removed.")
        if cleaned.get("removed_at_authors_request") and not was_removed:
            # The removal erases the words (a new part is written empty, as a placeholder): the form must not keep them.
            cleaned["body"] = ""
        return cleaned


class PostSectionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        positions = [
            form.cleaned_data.get("position")
            for form in self.forms
            if form.cleaned_data and (form.instance.pk is not None or form.has_changed())
        ]
        given = [position for position in positions if position is not None]
        repeated = sorted({position for position in given if given.count(position) > 1})
        if repeated:
            raise forms.ValidationError(
                f"Two parts of the post cannot share position {repeated[0]}: give each its own, or leave a new one's empty."
            )


class PostSectionInline(admin.StackedInline):
    model = PostSection
    form = PostSectionForm
    formset = PostSectionFormSet
    fields = ("position", *PostSectionForm.Meta.fields)
    exclude = ("position",)  # the model's field: the form's own `position` stands in for it
    extra = 1
    # Deleting would drop the record of a removal; the author's words leave through the removal.
    can_delete = False


@admin.register(SiteSettings)
class SiteSettingsAdmin(SettingsRowAdmin):
    fields = ("name", "description")


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}

    # Posts show their labels: the service makes their cached pages go stale with a label's name.
    def save_model(self, request, obj, form, change):
        post_service.label_save(label=obj)

    def delete_model(self, request, obj):
        post_service.label_delete(label=obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # would skip delete_model above
        return actions


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "published_on", "editor", "comment_policy")
    list_filter = ("kind", "labels")
    search_fields = ("title",)
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "published_on"
    filter_horizontal = ("labels",)
    inlines = [PostSectionInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.can_have_policy_set_by(request.user):
            return ("comment_policy",)
        return ()

    def has_delete_permission(self, request, obj=None):
        # A post with comments keeps them: readers' words leave only through removal, one by one.
        if obj is not None and obj.comments.exists():
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # would skip the per-post check above
        return actions

    def save_model(self, request, obj, form, change):
        if obj.editor_id is None:
            obj.editor = request.user
        if "comment_policy" not in form.changed_data:
            post_service.post_save(post=obj)
            return
        # A policy change goes through the service, which checks who may and writes the moderation log.
        policy, obj.comment_policy = obj.comment_policy, form.initial.get("comment_policy", "")
        post_service.post_save(post=obj)
        post_policy_set(post=obj, policy=policy, moderator=request.user, reason="Changed in the admin.")
        obj.refresh_from_db(fields=["comment_policy"])

    def save_formset(self, request, form, formset, change):
        for section_form in formset.forms:
            if section_form.cleaned_data and section_form.cleaned_data.get("position") is not None:
                section_form.instance.position = section_form.cleaned_data["position"]
            elif section_form.instance.pk is None:
                section_form.instance.position = None  # after the others
        written = []
        for section in formset.save(commit=False):
            if section.removed_at_authors_request and section.pk is not None:
                section_remove_at_authors_request(
                    section=section, moderator=request.user, reason="Removed at the author's request."
                )
            else:
                written.append(section)
        post_service.sections_save(post=form.instance, sections=written, editor=request.user)
        # A removal may have erased the post's own title (a piece published as a post): the admin's
        # message and its history entry, written after this, must name the post as it is now.
        form.instance.refresh_from_db(fields=["title", "slug"])

    def save_related(self, request, form, formsets, change):
        # Last of the admin's writes (the post, its labels, its sections): readers' cached pages go stale.
        super().save_related(request, form, formsets, change)
        changes.posts_changed(Post.objects.filter(pk=form.instance.pk))


def _moderation_action(action: str):
    """An admin action that applies one moderation verb through the moderation service, item by item."""
    transition = COMMENT_TRANSITIONS[action]

    def apply(modeladmin, request, queryset):
        done, refusals = queue_decide(
            items="comments", action=action, ids=list(queryset.values_list("pk", flat=True)), moderator=request.user
        )
        if done:
            modeladmin.message_user(request, f"{transition.verb}: {len(done)} comment(s).", messages.SUCCESS)
        for refusal in refusals:
            modeladmin.message_user(request, refusal, messages.WARNING)

    apply.__name__ = f"moderate_{action}"
    return admin.action(description=f"{transition.verb} the selected comments", permissions=["moderate"])(apply)


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    """Comments to look at and moderate. Nothing here edits or deletes one: "Remove" leaves a tombstone
    and the replies, and every action is logged, as on the moderation pages."""

    list_display = ("in_thread", "post", "author_label", "state", "created_at")
    ordering = ("post", "tree_id", "lft")
    list_filter = ("state",)
    search_fields = ("text", "author_name", "author__handle")
    list_select_related = ("post", "author")
    fields = ("post", "parent", "author", "author_name", "text", "state", "created_at")
    readonly_fields = fields
    actions = [_moderation_action(action) for action in COMMENT_TRANSITIONS]

    @admin.display(description="Comment", ordering="lft")
    def in_thread(self, comment) -> str:
        # Indented in text: mptt's admin indents with inline styles, which the site's CSP refuses.
        return (
            f"{'↳ ' * comment.level}{comment.posted_time_label or '—'}: {comment.first_words or comment.tombstone_text}"
        )

    def has_moderate_permission(self, request):
        return can_moderate(request.user)
