from __future__ import annotations

from typing import Any

from django.contrib import admin

from hromada.core.notifications.models import DeliveryAttempt, Message


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ["at", "ok", "error", "provider_message_id"]
    readonly_fields = ("at", "ok", "error", "provider_message_id")


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Read-only: the outbox is written by notify() and the delivery job."""

    list_display = ["id", "created_at", "channel", "kind", "address", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["address", "kind", "idempotency_key"]
    inlines = [DeliveryAttemptInline]

    def get_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        return [field.name for field in Message._meta.fields]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
