from django.urls import path

from hromada.apps.petitions.api import views

urlpatterns = [
    path("", views.PetitionList.as_view(), name="api-petitions"),
    path("<int:pk>/", views.PetitionDetail.as_view(), name="api-petition"),
    path("<int:pk>/sign/", views.PetitionSign.as_view(), name="api-petition-sign"),
    path("<int:pk>/withdraw/", views.PetitionWithdraw.as_view(), name="api-petition-withdraw"),
    path("<int:pk>/count/", views.PetitionCount.as_view(), name="api-petition-count"),
    path("<int:pk>/signatories/", views.SignatoryList.as_view(), name="api-petition-signatories"),
    path("<int:pk>/signatories.csv", views.SignatoryCsv.as_view(), name="api-petition-signatories-csv"),
]
