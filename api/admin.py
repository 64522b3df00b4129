from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.admin_base import TextSearchAdmin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(TextSearchAdmin, admin.ModelAdmin):
    """Read-only: tokens are created by their owners on the site; an administrator may revoke one."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username", "prefix"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    exclude = ["digest"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
