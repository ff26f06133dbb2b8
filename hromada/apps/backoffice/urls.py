from django.urls import path

from hromada.apps.backoffice import views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("verify/", views.verify_identity, name="verify_identity"),
]
