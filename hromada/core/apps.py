from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hromada.core"
    label = "core"
    verbose_name = "Hromada core"

    def ready(self) -> None:
        from django.contrib import admin

        from hromada.core import deploy  # noqa: F401  (registers the deploy checks)

        # Django admin is the platform admins' tool only; officials use the back office.
        admin.site.has_permission = lambda request: bool(  # type: ignore[method-assign]
            request.user.is_active and request.user.is_superuser
        )
