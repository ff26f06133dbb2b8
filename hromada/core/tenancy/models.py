from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from hromada.core import tenancy


class TenantQuerySet(models.QuerySet):
    pass


class TenantManager(models.Manager):
    """Filters every query by the active community; raises when none is active."""

    def get_queryset(self) -> TenantQuerySet:
        qs: TenantQuerySet = TenantQuerySet(self.model, using=self._db)
        active = tenancy.current_scope()
        if active is None:
            raise tenancy.ScopeError(
                f"{self.model.__name__} is tenant-owned: activate a community with "
                "hromada.core.tenancy.scope() before querying it"
            )
        if active.all_communities:
            return qs
        return qs.filter(community_id=active.community_id)


class TenantModel(models.Model):
    """A row that belongs to exactly one community."""

    community = models.ForeignKey(
        "communities.Community",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("community"),
        db_index=True,
    )

    objects = TenantManager()

    class Meta:
        abstract = True
        base_manager_name = "objects"

    def save(self, *args: Any, **kwargs: Any) -> None:
        active = tenancy.current_scope()
        if self.community_id is None and active is not None and active.community_id is not None:
            self.community_id = active.community_id
        if active is None:
            raise tenancy.ScopeError(f"saving {type(self).__name__} needs an active community scope")
        if not active.all_communities and self.community_id != active.community_id:
            raise tenancy.ScopeError(
                f"{type(self).__name__} of community {self.community_id} cannot be written "
                f"while community {active.community_id} is active"
            )
        super().save(*args, **kwargs)
