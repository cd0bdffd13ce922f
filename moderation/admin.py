from django.contrib import admin
from django.utils.html import format_html

from moderation.models import Appeal, Ban, ModerationLogEntry, ModerationSettings, Reason, RemovalRequest, Report


class ReadOnlyAdmin(admin.ModelAdmin):
    """For the record: decisions are taken on the moderation pages, which write the log."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SettingsRowAdmin(admin.ModelAdmin):
    """One row of settings (forum.models.SettingsRow): changed, never a second added, never deleted."""

    def has_add_permission(self, request):
        return not self.model.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ModerationSettings)
class ModerationSettingsAdmin(SettingsRowAdmin):
    fields = ("default_policy", "hold_links_from_unregistered")


@admin.register(RemovalRequest)
class RemovalRequestAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "status", "target_link", "short_reason", "contact")
    list_filter = ("status",)
    search_fields = ("reason", "contact")
    fields = ("target_link", "reason", "contact", "requested_by", "created_at", "status", "decided_by", "decided_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("comment__post", "comment__author", "section__post", "requested_by", "decided_by")
        )

    @admin.display(description="About")
    def target_link(self, request_row):
        return format_html('<a href="{}">{}</a>', request_row.target.get_absolute_url(), request_row.target_label)

    @admin.display(description="Reason")
    def short_reason(self, request_row):
        return request_row.reason if len(request_row.reason) <= 80 else request_row.reason[:79] + "…"


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "comment", "reason", "reporter", "weight", "resolved_at", "outcome")
    list_filter = ("reason",)
    list_select_related = ("comment__post", "comment__author", "reporter")


@admin.register(Ban)
class BanAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "subject_label", "expires_at", "lifted_at", "created_by")
    list_filter = ("kind",)
    list_select_related = ("user", "created_by")
    exclude = ("address_hash",)


@admin.register(ModerationLogEntry)
class ModerationLogEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "action", "target_label", "moderator", "reason")
    list_filter = ("action",)
    list_select_related = ("moderator", "comment__author", "section", "post", "ban__user")


@admin.register(Reason)
class ReasonAdmin(admin.ModelAdmin):
    """The reasons moderators pick from; untick "active" rather than delete one past decisions name."""

    list_display = ("wording", "position", "active")
    list_editable = ("position", "active")
    ordering = ("position", "pk")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    """For the record: appeals are answered on the queue's Appeals tab, which writes the log."""

    list_display = ("created_at", "entry", "status", "answered_by", "answered_at")
    list_filter = ("status",)
    list_select_related = ("entry", "answered_by")
