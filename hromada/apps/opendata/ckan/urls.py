from django.urls import path

from hromada.apps.opendata.ckan import views

app_name = "ckan"
urlpatterns = [
    path("<str:action_name>", views.action, name="action"),
]
