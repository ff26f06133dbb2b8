from django.urls import path

from hromada.apps.equeue import club_views

app_name = "clubs"

urlpatterns = [
    path("", club_views.club_list, name="list"),
    path("<int:pk>/", club_views.club_detail, name="detail"),
    path("groups/<int:pk>/enrol/", club_views.enrol, name="enrol"),
    path("children/", club_views.children, name="children"),
    path("enrolments/", club_views.my_enrolments, name="mine"),
    path("enrolments/<int:pk>/withdraw/", club_views.withdraw, name="withdraw"),
    path("office/", club_views.office, name="office"),
    path("office/groups/<int:pk>/", club_views.office_group, name="office_group"),
    path("office/enrolments/<int:pk>/<slug:step>/", club_views.office_step, name="office_step"),
]
