from django.core.signals import setting_changed
from django.db.models.signals import post_delete, post_save

from hromada.apps.communities.models import Community
from hromada.core.tenancy.middleware import forget_resolved_communities

post_save.connect(forget_resolved_communities, sender=Community, dispatch_uid="forget_resolved_on_save")
post_delete.connect(forget_resolved_communities, sender=Community, dispatch_uid="forget_resolved_on_delete")


def _forget_on_host_settings(*, setting: str, **_kwargs: object) -> None:
    if setting in ("ALLOWED_HOSTS", "PLATFORM_HOSTS", "COMMUNITY_BASE_DOMAIN"):
        forget_resolved_communities()


setting_changed.connect(_forget_on_host_settings, dispatch_uid="forget_resolved_on_host_settings")
