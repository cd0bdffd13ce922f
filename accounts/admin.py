from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm

from accounts.forms import HandleFormMixin
from accounts.models import User
from accounts.services import account_delete, handle_changed
from forum.models import Comment


class HandleUserCreationForm(HandleFormMixin, UserCreationForm):
    class Meta:
        model = User
        fields = ("handle", "email")


class HandleUserChangeForm(HandleFormMixin, UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class HandleUserAdmin(UserAdmin):
    form = HandleUserChangeForm
    add_form = HandleUserCreationForm
    ordering = ("handle",)
    list_display = ("handle", "email", "is_staff", "is_active", "date_joined")
    search_fields = ("handle", "email")
    fieldsets = (
        (None, {"fields": ("handle", "email", "password")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("handle", "email", "password1", "password2")}),)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "handle" in form.changed_data:
            handle_changed(user=obj)

    def get_deleted_objects(self, objs, request):
        """The confirmation says what the deletion erases beyond the account: the member's words."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        erased = Comment.objects.filter(author__in=objs).exclude(state__in=Comment.GONE_STATES).count()
        label = "comments whose words will be erased (each leaves a tombstone; replies stay)"
        counts[label] = erased
        deleted.append(
            f"{erased} comment{'' if erased == 1 else 's'}: the words erased, “removed by a moderator” left in their place"
        )
        return deleted, counts, perms_needed, protected

    # Deleting a member here is the same erasure as deleting an account from its own page.
    def delete_model(self, request, obj):
        account_delete(user=obj, keep_comments=False, by=request.user)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            account_delete(user=user, keep_comments=False, by=request.user)
