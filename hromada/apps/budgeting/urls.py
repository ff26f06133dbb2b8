"""Pages of the participatory budget, under /c/<slug>/budget/. Fixed words come before cycle slugs
(``actions.RESERVED_SLUGS`` keeps a cycle from taking one of them)."""

from django.urls import path

from hromada.apps.budgeting import office_views, views

app_name = "budgeting"

urlpatterns = [
    path("", views.index, name="index"),
    path("my/", views.mine, name="mine"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/revise/", views.project_revise, name="project_revise"),
    path("projects/<int:pk>/submit/", views.project_submit, name="project_submit"),
    path("projects/<int:pk>/withdraw/", views.project_withdraw, name="project_withdraw"),
    path("projects/<int:pk>/appeal/", views.project_appeal, name="project_appeal"),
    path("projects/<int:pk>/comments/", views.project_comment, name="project_comment"),
    path("office/", office_views.office, name="office"),
    path("office/comments/", office_views.comments, name="office_comments"),
    path("office/cycles/new/", office_views.cycle_new, name="office_cycle_new"),
    path("office/taxpayers/", office_views.taxpayers, name="office_taxpayers"),
    path("office/projects/<int:pk>/", office_views.office_project, name="office_project"),
    path("office/implementation/<int:pk>/", office_views.implementation_item, name="office_implementation"),
    path("office/<slug:cycle>/", office_views.office_cycle, name="office_cycle"),
    path("office/<slug:cycle>/paper/", office_views.paper_ballot, name="office_paper"),
    path("office/<slug:cycle>/phases/", office_views.cycle_phases, name="office_phases"),
    path("office/<slug:cycle>/categories/", office_views.categories, name="office_categories"),
    path("<slug:cycle>/", views.cycle_detail, name="cycle"),
    path("<slug:cycle>/propose/", views.propose, name="propose"),
    path("<slug:cycle>/vote/", views.ballot, name="ballot"),
    path("<slug:cycle>/results/", views.results_page, name="results"),
    path("<slug:cycle>/votes.csv", views.votes_csv, name="votes_csv"),
    path("<slug:cycle>/categories/<int:category>/votes.pb", views.votes_pb, name="votes_pb"),
    path("<slug:cycle>/implementation/", views.implementation_list, name="implementation"),
]
