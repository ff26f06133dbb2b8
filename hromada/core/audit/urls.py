from django.urls import path

from hromada.core.audit import views

app_name = "audit"
urlpatterns = [
    path("heads/", views.day_heads, name="day_heads"),
]
