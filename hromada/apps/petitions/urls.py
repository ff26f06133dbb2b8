from django.urls import path

from hromada.apps.petitions import feeds, office_views, views

app_name = "petitions"

urlpatterns = [
    path("", views.petition_list, name="list"),
    path("new/", views.petition_create, name="create"),
    path("mine/", views.my_petitions, name="mine"),
    path("feed/rss/", feeds.PetitionsRss(), name="feed_rss"),
    path("feed/atom/", feeds.PetitionsAtom(), name="feed_atom"),
    path("<int:pk>/", views.petition_detail, name="detail"),
    path("<int:pk>/count.json", views.petition_count, name="count"),
    path("<int:pk>/sign/", views.petition_sign, name="sign"),
    path("<int:pk>/withdraw/", views.petition_withdraw, name="withdraw"),
    path("<int:pk>/signatories/", views.signatories, name="signatories"),
    path("<int:pk>/edit/", views.petition_edit, name="edit"),
    path("<int:pk>/submit/", views.petition_submit, name="submit"),
    path("<int:pk>/coauthors/", views.coauthor_invite, name="coauthor_invite"),
    path("<int:pk>/coauthors/confirm/", views.coauthor_confirm, name="coauthor_confirm"),
    path("office/", office_views.office_home, name="office"),
    path("office/trending/", office_views.office_trending, name="office_trending"),
    path("office/rules/", office_views.office_policy, name="office_policy"),
    path("office/<int:pk>/", office_views.office_petition, name="office_petition"),
    path("office/<int:pk>/moderate/", office_views.office_moderate, name="office_moderate"),
    path("office/<int:pk>/consider/", office_views.office_start_consideration, name="office_consider"),
    path("office/<int:pk>/answer/", office_views.office_answer, name="office_answer"),
    path("office/<int:pk>/archive/", office_views.office_archive, name="office_archive"),
    path("office/<int:pk>/invalidate/", office_views.office_invalidate, name="office_invalidate"),
    path("office/<int:pk>/sign-in-person/", office_views.office_sign_in_person, name="office_sign_in_person"),
]
