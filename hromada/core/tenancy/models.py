from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from hromada.core import tenancy


def _check_writable(model: type[models.Model], community_id: int | None) -> None:
    """Refuse to write a row of `community_id` unless that community (or all) is active."""
    active = tenancy.current_scope()
    if active is None:
        raise tenancy.ScopeError(f"saving {model.__name__} needs an active community scope")
    if not active.all_communities and community_id != active.community_id:
        raise tenancy.ScopeError(
            f"{model.__name__} of community {community_id} cannot be written "
            f"while community {active.community_id} is active"
        )


def _community_id_of(value: Any) -> Any:
    return getattr(value, "pk", value)


class TenantQuerySet(models.QuerySet):
    """Bulk writes obey the same rule as ``save()``: only into the active community."""

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list:
        objs = list(objs)
        active = tenancy.current_scope()
        for obj in objs:
            if obj.community_id is None and active is not None and active.community_id is not None:
                obj.community_id = active.community_id
            _check_writable(self.model, obj.community_id)
        return super().bulk_create(objs, *args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        for key in ("community", "community_id"):
            if key in kwargs:
                _check_writable(self.model, _community_id_of(kwargs[key]))
        return super().update(**kwargs)


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
        _check_writable(type(self), self.community_id)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        _check_writable(type(self), self.community_id)
        return super().delete(*args, **kwargs)
