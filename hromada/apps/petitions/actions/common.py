"""What the petition actions share: links and messages to people, the petition's saved state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from hromada.apps.accounts.models import User
from hromada.apps.petitions.models import Petition
from hromada.core.notifications.services import notify


def petition_link(petition: Petition, view: str = "petitions:detail") -> str:
    """Absolute link to a page of the petition, for messages sent outside a request."""
    path = reverse(view, args=[petition.pk], urlconf=settings.COMMUNITY_URLCONF)
    relative = path[len(get_script_prefix()):] if path.startswith(get_script_prefix()) else path.lstrip("/")
    return petition.community.public_url.rstrip("/") + "/" + relative


def _tell(recipient: User, *, petition: Petition, kind: str, subject: str, body: str, key: str,
          params: dict[str, Any] | None = None) -> None:
    """Queue an e-mail to one person, written in their language (subject/body are gettext ids)."""
    with translation.override(recipient.preferred_language or "uk"):
        values = {"title": petition.title, "link": petition_link(petition)}
        for name, value in (params or {}).items():  # dates in the recipient's language too
            values[name] = _date(value) if isinstance(value, datetime) else value
        notify(recipient=recipient, channel="email", kind=kind, subject=_(subject) % values,
               body=_(body) % values, idempotency_key=key, community=petition.community)


def _date(moment: datetime | None) -> str:
    return formats.date_format(timezone.localtime(moment), "DATE_FORMAT") if moment else ""
