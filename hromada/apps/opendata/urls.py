from django.urls import path

from hromada.apps.opendata import office_views, views

app_name = "opendata"
urlpatterns = [
    path("", views.index, name="index"),
    path("catalog.<str:fmt>", views.catalogue, name="catalogue"),
    path("opendata.zip", views.bulk_zip, name="bulk_zip"),
    path("dataset/<slug:name>/", views.dataset_detail, name="dataset"),
    path("dataset/<slug:name>/dataset.zip", views.dataset_zip, name="dataset_zip"),
    path("dataset/<slug:name>/resource/<uuid:resource_id>/", views.resource_detail, name="resource"),
    path("dataset/<slug:name>/resource/<uuid:resource_id>/download/<str:filename>", views.resource_download,
         name="resource_download"),
    path("dataset/<slug:name>/resource/<uuid:resource_id>/v<int:number>/<str:filename>", views.version_download,
         name="version_download"),
    path("office/", office_views.office, name="office"),
    path("office/new/", office_views.dataset_new, name="office_dataset_new"),
    # Before the data set paths, which would take "token" for a data set's name.
    path("office/token/", office_views.api_token, name="office_token"),
    path("office/<slug:name>/", office_views.dataset_edit, name="office_dataset_edit"),
    path("office/<slug:name>/upload/", office_views.resource_add, name="office_resource_add"),
    path("office/<slug:name>/refresh/", office_views.refresh, name="office_refresh"),
]
