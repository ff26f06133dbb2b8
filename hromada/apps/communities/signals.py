from django.db.models.signals import post_delete, post_save

from hromada.apps.communities.models import Community
from hromada.core.tenancy.middleware import forget_resolved_communities

post_save.connect(forget_resolved_communities, sender=Community, dispatch_uid="forget_resolved_on_save")
post_delete.connect(forget_resolved_communities, sender=Community, dispatch_uid="forget_resolved_on_delete")
