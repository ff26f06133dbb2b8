"""A service's information card as data: the register's file format (docs/services.md) and its versions.

`card_of(service)` is the card in the import/export form; `publish_version(service, by)` saves the card
as it is now as the service's next version, which new cases are opened under. Every change of a card
goes through `publish_version` in the same transaction as the change.
"""

from __future__ import annotations

from typing import Any

from hromada.apps.services.models import Service, ServiceVersion
from hromada.core.cases.actions import lock

FORMAT = "hromada-services/1"


def card_of(service: Service) -> dict[str, Any]:
    """The card of `service` as the register's files carry it (one object of `services`)."""
    return {
        "code": service.code,
        "national_code": service.national_code,
        "name": service.name_uk,
        "name_en": service.name_en,
        "provider": service.provider,
        "audience": list(service.audience),
        "life_situations": sorted(s.code for s in service.life_situations.all()),
        "status": service.status,
        "keywords": list(service.keywords),
        "legal_basis": list(service.legal_basis),
        "documents": [dict(d) for d in service.documents],
        "apply_methods": list(service.apply_methods),
        "fee": {"kind": service.fee_kind,
                "amount": None if service.fee_amount is None else f"{service.fee_amount:.2f}",
                "details": service.fee_details},
        "term": {"days": service.term_days, "kind": service.term_kind, "text": service.term_text},
        "result": service.result,
        "delivery": service.delivery,
        "refusal_grounds": list(service.refusal_grounds),
        "appeal_procedure": service.appeal_procedure,
        "offices": sorted(o.code for o in service.offices.all()),
        "identity_level": service.identity_level,
        "form": list(service.form),
    }


def search_text_of(service: Service) -> str:
    """What register search reads of a service: its names, keywords, provider and national code."""
    parts = [service.name_uk, service.name_en, " ".join(service.keywords), service.provider, service.code,
             service.national_code]
    return " ".join(p for p in parts if p)


def publish_version(service: Service, *, by: Any = None) -> ServiceVersion:
    """Save the card of `service` (already saved, with its offices and life situations) as its next version.
    Call inside the transaction that changed it; the service row is locked so two editors get two numbers."""
    locked = lock(service)
    number = locked.version + 1
    version = ServiceVersion.objects.create(community_id=service.community_id, service=service, number=number,
                                            card=card_of(service), created_by=by if getattr(by, "pk", None) else None)
    Service.objects.filter(pk=service.pk).update(version=number, search_text=search_text_of(service))
    service.version = number
    service.search_text = search_text_of(service)
    return version


def current_version(service: Service) -> ServiceVersion:
    return ServiceVersion.objects.get(service=service, number=service.version)
