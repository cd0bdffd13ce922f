from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm

from .forms import HandleFormMixin
from .models import User


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
