"""The helpers every action uses: require a permission, lock a row, apply a transition.

An action is one function in a module's `actions` package (STYLE.md): it validates, checks the
permission, locks what it changes, writes, records the event and notifies after commit. These
are the steps that are the same in every module.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models, transaction
from django.utils.translation import gettext as _

from hromada.core.api.errors import DomainError
from hromada.core.cases.workflow import Workflow

M = TypeVar("M", bound=models.Model)


def forbidden(message: str = "") -> DomainError:
    return DomainError(message or _("You do not have permission to do this."), code="forbidden", status_code=403)


def require(user: Any, permission: str, obj: Any = None, *, message: str = "") -> None:
    """Refuse (403) unless `user` holds the rules `permission` on `obj`."""
    if user is None or not user.has_perm(permission, obj):
        raise forbidden(message)


def lock(obj: M, *, related: tuple[str, ...] = ()) -> M:
    """`obj` re-read with its row locked until the end of the transaction; the caller's instance
    takes the fresh values too, so code holding it sees what was locked."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock() must run inside a transaction")
    queryset = type(obj)._base_manager.all()
    if related:
        # Only the record's own row is locked (FOR UPDATE OF), not the rows it is read with: a
        # project read with its cycle must not hold every other project of the cycle waiting.
        queryset = queryset.select_related(*related).select_for_update(of=("self",))
    else:
        queryset = queryset.select_for_update()
    locked = queryset.get(pk=obj.pk)
    copy_values(obj, locked)
    return locked


def copy_values(target: M, source: M) -> None:
    """Give `target` every column value of `source` (another instance of the same row): the caller's
    instance sees what the action locked, or, after the action, what it saved."""
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def apply_transition(record: Any, workflow: Workflow, name: str, *, by: Any = None, note: str = "",
                     data: dict[str, Any] | None = None, permission_checked: bool = False,
                     event: dict[str, Any] | None = None, **fields: Any) -> Any:
    """Run transition `name` on `record`, whose row the caller holds locked: check it, set the
    new status and `fields`, save them, and write the event (with the extra `event` columns).
    Returns the event row."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("apply_transition() must run inside a transaction holding the record's lock")
    transition = workflow.check(record, name, by, permission_checked=permission_checked)
    before = record.status
    record.status = transition.target
    for field, value in fields.items():
        setattr(record, field, value)
    update = ["status", *fields]
    if any(f.name == "updated_at" for f in record._meta.concrete_fields):
        update.append("updated_at")
    record.save(update_fields=list(dict.fromkeys(update)))
    if workflow.event_model is None:
        return None
    return workflow.event_model.record(record, name, actor=by, from_status=before, to_status=transition.target,
                                       note=note, data=data, **(event or {}))
