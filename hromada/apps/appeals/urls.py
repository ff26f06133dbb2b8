from django.urls import path

from hromada.apps.appeals import office_views, views

app_name = "appeals"

urlpatterns = [
    path("", views.public_list, name="public"),
    path("map/", views.public_map, name="map"),
    path("map.geojson", views.public_geojson, name="geojson"),
    path("districts.geojson", views.districts_geojson, name="districts_geojson"),
    path("addresses.json", views.address_suggestions, name="addresses"),
    path("problems/<slug:number>/", views.public_appeal, name="public_appeal"),
    path("statistics/", views.statistics, name="stats"),
    path("new/", views.appeal_create, name="create"),
    path("mine/", views.my_appeals, name="mine"),
    path("status/<uuid:token>/", views.appeal_status, name="status"),
    path("photos/<int:pk>/", views.appeal_photo, name="photo"),
    path("<int:pk>/", views.appeal_detail, name="detail"),
    path("<int:pk>/receipt/", views.receipt, name="receipt"),
    path("<int:pk>/receipt.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("<int:pk>/rate/", views.appeal_rate, name="rate"),
    path("<int:pk>/reopen/", views.appeal_reopen, name="reopen"),
    path("<int:pk>/details/", views.appeal_add_details, name="add_details"),
    path("office/", office_views.office_home, name="office"),
    path("office/queue/", office_views.queue, name="office_queue"),
    path("office/triage/", office_views.triage, name="office_triage"),
    path("office/dashboard/", office_views.dashboard, name="office_dashboard"),
    path("office/list/", office_views.drilldown, name="office_list"),
    path("office/export.csv", office_views.export_csv, name="office_export_csv"),
    path("office/export.xlsx", office_views.export_xlsx, name="office_export_xlsx"),
    path("office/new/", office_views.operator_entry, name="office_new"),
    path("office/scans/", office_views.scan_upload, name="office_scans"),
    path("office/scans/<int:pk>/", office_views.scan_register, name="office_scan"),
    path("office/scans/<int:pk>/file/", office_views.scan_file, name="office_scan_file"),
    path("office/files/<int:pk>/", office_views.attachment_file, name="office_file"),
    path("office/keys/", office_views.open311_keys, name="office_keys"),
    path("office/categories/", office_views.categories, name="office_categories"),
    path("office/categories/<int:pk>/", office_views.category_edit, name="office_category"),
    path("office/routing/", office_views.routing_rules, name="office_routing"),
    path("office/routing/<int:pk>/", office_views.routing_rule_edit, name="office_routing_rule"),
    path("office/<int:pk>/", office_views.office_appeal, name="office_appeal"),
    path("office/<int:pk>/<str:action>/", office_views.office_act, name="office_act"),
]
