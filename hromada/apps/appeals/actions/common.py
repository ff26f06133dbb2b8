"""What the appeal actions share: the role of the person acting, the transition with its tallies, the
timeline entry of a step that is no transition, and the notice to the author."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from hromada.apps.accounts.models import Role
from hromada.apps.accounts.roles import staff_roles
from hromada.apps.appeals import tallies, workflow
from hromada.apps.appeals.models import Appeal, AppealEvent
from hromada.core.api.errors import DomainError
from hromada.core.calendar import kyiv_date
from hromada.core.cases.actions import apply_transition
from hromada.core.notifications.services import notify


def role_of(user: Any, appeal: Appeal) -> str:
    """The role in which `user` acts on `appeal`, for the timeline."""
    if user is None:
        return "system"
    if appeal.author_id is not None and user.pk == appeal.author_id:
        return "resident"
    roles = staff_roles(user, appeal.community_id).pairs  # the rows held in the appeal's community
    if any(role == Role.EXECUTOR and dep == appeal.department_id for role, dep in roles):
        return Role.EXECUTOR
    for role in (Role.OPERATOR, Role.CONTROLLER, Role.ADMIN, Role.EXECUTOR, Role.MODERATOR):
        if any(r == role for r, _dep in roles):
            return str(role)
    return "staff" if getattr(user, "is_superuser", False) else "resident"


def transition(appeal: Appeal, name: str, *, by: Any = None, note: str = "", data: dict[str, Any] | None = None,
               tally: tallies.TallyState | None = None, **fields: Any) -> AppealEvent:
    """Run transition `name` on `appeal`, whose row the caller holds locked (the case core checks, changes,
    saves and writes the event), and move the appeal's tallies. `tally`: its contribution as read, when the
    caller already changed the copy; `by` None: the system."""
    role = role_of(by, appeal)  # as the appeal stands, before its department changes
    before = tally or tallies.state(appeal)
    event = apply_transition(appeal, workflow.WORKFLOW, name, by=by, note=note, data=data,
                             event={"actor_role": role}, **fields)
    tallies.move(appeal.community_id, before, tallies.state(appeal))
    return event


def record_event(appeal: Appeal, kind: str, *, by: Any, role: str | None = None, note: str = "",
                 data: dict[str, Any] | None = None) -> AppealEvent:
    """The timeline entry of a step that changes no status (details asked or added, a file, a rating)."""
    return AppealEvent.record(appeal, kind, actor=by, actor_role=role if role is not None else role_of(by, appeal),
                              note=note, data=data)


def not_now(appeal: Appeal) -> DomainError:
    """The refusal of a step the appeal's status does not allow (409), in the workflow's words."""
    return DomainError(workflow.WORKFLOW.state_message % {"status": appeal.get_status_display()},
                       code=workflow.WORKFLOW.state_code, status_code=409)


def appeal_link(appeal: Appeal, view: str = "appeals:status") -> str:
    """Absolute link to the appeal's status page (by its secret token), for messages and the QR code."""
    path = reverse(view, args=[appeal.token], urlconf=settings.COMMUNITY_URLCONF)
    relative = path[len(get_script_prefix()):] if path.startswith(get_script_prefix()) else path.lstrip("/")
    return appeal.community.public_url.rstrip("/") + "/" + relative


def date_text(day: date | datetime | None) -> str:
    """A day as the active language writes dates (a moment: its day in Kyiv)."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = kyiv_date(day)
    return formats.date_format(day, "DATE_FORMAT")


def tell_author(appeal: Appeal, *, kind: str, subject: str, body: str, sms: bool = False,
                params: dict[str, Any] | None = None, new: bool = False) -> None:
    """Queue an e-mail (and, for registration, an SMS) to the author, in their language. `new`: the appeal
    is being registered in this transaction, so no message about it can exist yet (no idempotency key)."""
    recipient = appeal.author
    language = (recipient.preferred_language if recipient else None) or "uk"
    with translation.override(language):
        values = {"number": appeal.number, "link": appeal_link(appeal), "due": date_text(appeal.due_date),
                  **(params or {})}
        text = _(body) % values
        title = _(subject) % values
        email = appeal.contact_email
        if email:
            notify(recipient=recipient, address=email, channel="email", kind=kind, subject=title, body=text,
                   idempotency_key=None if new else f"appeal-{appeal.pk}-{kind}-{appeal.updated_at.timestamp()}-email",
                   community=appeal.community)
        phone = (recipient.phone if recipient else "") or appeal.author_phone
        if sms and phone:
            notify(recipient=recipient, address=phone, channel="sms", kind=kind, body=title,
                   idempotency_key=None if new else f"appeal-{appeal.pk}-{kind}-{appeal.updated_at.timestamp()}-sms",
                   community=appeal.community)
