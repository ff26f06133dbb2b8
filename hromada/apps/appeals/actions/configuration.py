"""The community admin's settings of appeals: categories, routing rules and Open311 clients; all audited."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hromada.apps.accounts.models import User
from hromada.apps.appeals import selectors
from hromada.apps.appeals.actions.routing import routing_changed
from hromada.apps.appeals.models import Category, Open311Client, RoutingRule
from hromada.apps.communities.models import Community, Department, District
from hromada.core.api.errors import DomainError
from hromada.core.audit.services import audit_record
from hromada.core.cases.actions import require
from hromada.core.keys import new_key
from hromada.core.text import clean_plain_text


def open311_key_issue(*, community: Community, name: str, by: User | None) -> tuple[Open311Client, str]:
    """Issue an api_key to an Open311 client. The key is shown once; only its hash is stored."""
    if by is not None:
        require(by, "appeals.manage_appeals", community)
    name = clean_plain_text(name, field="name", max_length=200, single_line=True)
    api_key, key_hash, key_prefix = new_key()
    with transaction.atomic(durable=True):
        client = Open311Client.objects.create(community=community, name=name, key_hash=key_hash,
                                              key_prefix=key_prefix)
        audit_record(actor=by, action="appeals.open311_key", community=community, target=client)
    return client, api_key



CATEGORY_FIELDS = ("parent", "code", "name_uk", "name_en", "icon", "description", "is_public", "needs_study",
                   "is_active", "position")


def _changes(instance: Any, values: dict[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    """The fields whose value differs, as JSON-able ids/values for the audit record."""
    changed = {}
    for field in fields:
        value = values.get(field, getattr(instance, field))
        old = getattr(instance, field)
        if value != old:
            changed[field] = getattr(value, "pk", value)
    return changed


def category_save(*, community: Community, values: dict[str, Any], by: User,
                  category: Category | None = None) -> Category:
    """Create or change a category of appeals (values already validated by the form); audited."""
    require(by, "appeals.manage_appeals", community)
    parent = values.get("parent")
    if category is not None and parent is not None:
        ancestor = parent
        while ancestor is not None:  # a category cannot sit under itself or its own descendant
            if ancestor.pk == category.pk:
                raise DomainError(_("A category cannot be placed under itself."), code="category_cycle",
                                  field="parent")
            ancestor = ancestor.parent
    with transaction.atomic(durable=True):
        if category is None:
            category = Category(community=community)
            action, changed = "appeals.category_create", {f: getattr(values.get(f), "pk", values.get(f))
                                                           for f in CATEGORY_FIELDS if f in values}
        else:
            action, changed = "appeals.category_update", _changes(category, values, CATEGORY_FIELDS)
        for field in CATEGORY_FIELDS:
            if field in values:
                setattr(category, field, values[field])
        category.save()
        audit_record(actor=by, action=action, community=community, target=category, data=changed)
        routing_changed(community.pk)
        selectors.public_categories_changed(community.pk)
    return category


def routing_rule_save(*, community: Community, category: Category, district: District | None,
                      department: Department, by: User, rule: RoutingRule | None = None) -> RoutingRule:
    """Create or change a routing rule category × district → department; audited."""
    require(by, "appeals.manage_appeals", community)
    clash = RoutingRule.objects.filter(category=category, district=district)
    if rule is not None:
        clash = clash.exclude(pk=rule.pk)
    if clash.exists():
        raise DomainError(_("There is already a rule for this category and district."), code="duplicate_rule",
                          field="category", status_code=409)
    with transaction.atomic(durable=True):
        action = "appeals.routing_rule_create" if rule is None else "appeals.routing_rule_update"
        rule = rule or RoutingRule(community=community)
        rule.category, rule.district, rule.department = category, district, department
        rule.save()
        routing_changed(community.pk)
        audit_record(actor=by, action=action, community=community, target=rule, data={
            "category": category.pk, "district": district.pk if district else None, "department": department.pk})
    return rule


def routing_rule_delete(*, rule: RoutingRule, by: User) -> None:
    """Remove a routing rule; appeals already routed keep their department. Audited."""
    require(by, "appeals.manage_appeals", rule.community)
    with transaction.atomic(durable=True):
        audit_record(actor=by, action="appeals.routing_rule_delete", community=rule.community, target=rule,
                     data={"category": rule.category_id, "district": rule.district_id,
                           "department": rule.department_id})
        rule.delete()
        routing_changed(rule.community_id)
