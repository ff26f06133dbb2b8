"""Platform URLs: the list of communities, platform admin, and `/c/<slug>/` (see tenancy middleware)."""

from django.apps import apps
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from hromada.apps.accounts import views as account_views
from hromada.apps.communities import views as community_views
from hromada.core.media import serve_media

handler400 = "hromada.core.errors.handler400"
handler403 = "hromada.core.errors.handler403"
handler404 = "hromada.core.errors.handler404"
handler500 = "hromada.core.errors.handler500"

urlpatterns = [
    path("", community_views.platform_home, name="platform_home"),
    path("healthz", community_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("hromada.apps.accounts.urls")),
    path("audit/", include("hromada.core.audit.urls")),
    path("admin/login/", account_views.admin_login),  # the admin's own sign-in, with the sign-in limits
    path("admin/", admin.site.urls),
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    re_path(r"^media/(?P<path>.+)$", serve_media, name="media"),
]
if apps.is_installed("django_rq"):  # TASKS_BACKEND=rq: RQ's queues, workers and failed jobs, for platform staff
    urlpatterns.append(path("django-rq/", include("django_rq.urls")))
