from django.urls import path

from hromada.apps.services import application_views, office_views, register_views, statistics, views

app_name = "services"

# The public register.
urlpatterns = [
    path("", views.service_list, name="list"),
    path("situations/<slug:code>/", views.situation, name="situation"),
    path("offices/", views.office_list, name="offices"),
    path("offices/<slug:code>/", views.office_detail, name="office_detail"),
    path("statistics/", statistics.statistics, name="statistics"),
]



# Applications, receipts, the status check and the resident's cases.
urlpatterns += [
    path("status/", application_views.status_check, name="status"),
    path("mine/", application_views.my_cases, name="mine"),
    path("cases/<str:number>/", application_views.case_detail, name="case"),
    path("cases/<str:number>/receipt/", application_views.receipt, name="receipt"),
    path("cases/<str:number>/receipt.pdf", application_views.receipt_pdf, name="receipt_pdf"),
    path("cases/<str:number>/resubmit/", application_views.resubmit, name="resubmit"),
    path("cases/<str:number>/withdraw/", application_views.withdraw, name="withdraw"),
    path("cases/<str:number>/rate/", application_views.rate, name="rate"),
    path("cases/<str:number>/files/<int:pk>/", application_views.attachment, name="attachment"),
    path("office/paper/", application_views.paper_application, name="office_paper"),
]



# The back office: queues, the case's work, control.
urlpatterns += [
    path("office/", office_views.office_home, name="office"),
    path("office/cnap/", office_views.cnap_queue, name="cnap_queue"),
    path("office/provider/", office_views.provider_queue, name="provider_queue"),
    path("office/control/", office_views.control, name="control"),
    path("office/cases/<str:number>/", office_views.office_case, name="office_case"),
    path("office/cases/<str:number>/<slug:step>/", office_views.office_step, name="office_step"),
]



# The back office: the register's cards, offices, import and export.
urlpatterns += [
    path("office/register/", register_views.register_list, name="register"),
    path("office/register/new/", register_views.card_create, name="card_create"),
    path("office/register/import/", register_views.register_import, name="register_import"),
    path("office/register/export.<str:fmt>", register_views.register_export, name="register_export"),
    path("office/register/<str:code>/", register_views.card_edit, name="card_edit"),
]



# A service's card and its application form (last: a code is any word).
urlpatterns += [
    path("<str:code>/apply/", application_views.apply, name="apply"),
    path("<str:code>/", views.service_detail, name="detail"),
]
