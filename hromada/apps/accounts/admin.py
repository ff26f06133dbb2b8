from django.contrib import admin

from hromada.apps.accounts.models import StaffRole, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "full_name", "identity_level", "verification_method", "is_superuser"]
    search_fields = ["email", "full_name"]
    exclude = ["password", "tax_number_hash"]


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "department", "community"]
    list_filter = ["community", "role"]
