from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import sql
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


def _no_scope_error(model: type[models.Model]) -> tenancy.ScopeError:
    return tenancy.ScopeError(
        f"{model.__name__} is tenant-owned: activate a community with "
        "hromada.core.tenancy.scope() before querying it"
    )


class PendingTenantQuery(sql.Query):
    """The query of a queryset made while no community was active.

    The community filter is added when the query is compiled, from the community active
    then; compiling it with none active raises. Compilation is the one door every use
    passes through: iteration, count, exists, aggregates, and use inside another query
    (``__in``, ``Exists``, ``Subquery``).
    """

    tenant_pending = True

    def resolve_tenant(self) -> None:
        if not self.tenant_pending:
            return
        active = tenancy.current_scope()
        if active is None:
            raise _no_scope_error(self.model)  # type: ignore[arg-type]
        self.tenant_pending = False
        if not active.all_communities:
            self.add_q(models.Q(community_id=active.community_id))

    def get_compiler(self, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
        self.resolve_tenant()
        return super().get_compiler(*args, **kwargs)


class TenantQuerySet(models.QuerySet):
    """Reads see only the active community; bulk writes obey the same rule as ``save()``.

    A queryset made while no community is active (a form field's or serializer's queryset
    defined at import time) is filtered when it is used, by the community active then.
    """

    def _resolve_pending(self) -> None:
        # UPDATE and DELETE change the query's class, so they resolve the filter first.
        if isinstance(self.query, PendingTenantQuery):
            self.query.resolve_tenant()

    def delete(self):  # type: ignore[no-untyped-def]
        self._resolve_pending()
        return super().delete()

    def _raw_delete(self, using):  # type: ignore[no-untyped-def]
        self._resolve_pending()
        return super()._raw_delete(using)

    def _update(self, values):  # type: ignore[no-untyped-def]
        self._resolve_pending()
        return super()._update(values)  # type: ignore[misc]

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
        self._resolve_pending()
        return super().update(**kwargs)


class TenantManager(models.Manager):
    """Filters every query by the active community; using a query with none active raises."""

    def get_queryset(self) -> TenantQuerySet:
        active = tenancy.current_scope()
        if active is None:  # filtered (or refused) when it is used
            return TenantQuerySet(self.model, query=PendingTenantQuery(self.model), using=self._db)
        qs: TenantQuerySet = TenantQuerySet(self.model, using=self._db)
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
