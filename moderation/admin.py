from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from . import services
from .models import RemovalRequest


@admin.register(RemovalRequest)
class RemovalRequestAdmin(admin.ModelAdmin):
    """Lists removal requests until the moderation queue has its own pages; decisions go through the services."""

    list_display = ("created_at", "status", "target_link", "short_reason", "contact")
    list_filter = ("status",)
    search_fields = ("reason", "contact")
    actions = ["grant", "decline"]
    fields = ("target_link", "target_text", "reason", "contact", "requested_by", "created_at", "status", "decided_by", "decided_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("comment__post", "section__post", "requested_by", "decided_by")

    @admin.display(description="About")
    def target_link(self, request_row):
        target = request_row.target
        return format_html('<a href="{}">{}</a>', target.get_absolute_url(), request_row.target_label)

    @admin.display(description="Text now shown")
    def target_text(self, request_row):
        if request_row.comment_id:
            return request_row.comment.text or request_row.comment.tombstone_text
        return request_row.section.body or request_row.section.REMOVED_TEXT

    @admin.display(description="Reason")
    def short_reason(self, request_row):
        return request_row.reason if len(request_row.reason) <= 80 else request_row.reason[:79] + "…"

    @admin.action(description="Grant: remove the content (“Removed at author's request.”)", permissions=["change"])
    def grant(self, request, queryset):
        self._decide(request, queryset, services.removal_request_grant, "granted")

    @admin.action(description="Decline: leave the content up", permissions=["change"])
    def decline(self, request, queryset):
        self._decide(request, queryset, services.removal_request_decline, "declined")

    def _decide(self, request, queryset, service, verb):
        done = 0
        for removal_request in queryset:
            try:
                service(request=removal_request, moderator=request.user)
                done += 1
            except ValidationError as error:
                self.message_user(request, f"Request {removal_request.pk}: {error.messages[0]}", messages.WARNING)
        if done:
            self.message_user(request, f"{done} request(s) {verb}.", messages.SUCCESS)
