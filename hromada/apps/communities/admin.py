from django.contrib import admin

from hromada.apps.communities.models import Community, Department, District


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_uk", "kind", "edrpou", "is_active"]
    search_fields = ["slug", "name_uk", "name_en", "edrpou"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name_uk", "community"]
    list_filter = ["community"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name_uk", "community", "head"]
    list_filter = ["community"]
