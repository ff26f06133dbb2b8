"""Participatory-budget API under /c/<slug>/api/v1/budget/."""

from django.urls import path

from hromada.apps.budgeting.api import views

urlpatterns = [
    path("cycles/", views.CycleList.as_view(), name="api-budget-cycles"),
    path("cycles/<slug:slug>/", views.CycleDetail.as_view(), name="api-budget-cycle"),
    path("cycles/<slug:slug>/ballot/", views.MyBallot.as_view(), name="api-budget-ballot"),
    path("cycles/<slug:slug>/results/", views.ResultList.as_view(), name="api-budget-results"),
    path("cycles/<slug:slug>/results.csv", views.ResultCsv.as_view(), name="api-budget-results-csv"),
    path("cycles/<slug:slug>/votes/", views.VoteList.as_view(), name="api-budget-votes"),
    path("cycles/<slug:slug>/votes.csv", views.VoteCsv.as_view(), name="api-budget-votes-csv"),
    path("projects/", views.ProjectList.as_view(), name="api-budget-projects"),
    path("projects.csv", views.ProjectCsv.as_view(), name="api-budget-projects-csv"),
    path("projects/<int:pk>/", views.ProjectDetail.as_view(), name="api-budget-project"),
    path("reviews/", views.ReviewList.as_view(), name="api-budget-reviews"),
    path("implementation/", views.ImplementationList.as_view(), name="api-budget-implementation"),
    path("implementation.csv", views.ImplementationCsv.as_view(), name="api-budget-implementation-csv"),
]
