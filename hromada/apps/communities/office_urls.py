from django.urls import path

from hromada.apps.communities import office_views

app_name = "communities_office"

urlpatterns = [
    path("", office_views.settings_edit, name="settings"),
    path("departments/", office_views.departments, name="departments"),
    path("departments/<int:pk>/", office_views.departments, name="department"),
    path("districts/", office_views.districts, name="districts"),
    path("districts/<int:pk>/", office_views.districts, name="district"),
    path("addresses/", office_views.addresses, name="addresses"),
    path("staff/", office_views.staff, name="staff"),
    path("staff/<int:pk>/remove/", office_views.staff_remove, name="staff_remove"),
]
