from django.urls import path

from hromada.apps.appeals.api import views

urlpatterns = [
    path("", views.MyAppeals.as_view(), name="api-appeals"),
    path("queue/", views.ExecutorQueue.as_view(), name="api-appeals-queue"),
    path("triage/", views.TriageQueue.as_view(), name="api-appeals-triage"),
    path("<int:pk>/", views.AppealDetail.as_view(), name="api-appeal"),
    path("<int:pk>/rate/", views.AppealRate.as_view(), name="api-appeal-rate"),
    path("<int:pk>/action/", views.AppealAction.as_view(), name="api-appeal-action"),
]
