"""What the applicant is told at each step of a case: e-mail, SMS and messenger, through the outbox.

One message per step and channel, keyed by the step's event row, so a retried action or a task run
twice never tells anyone twice. Written in the applicant's language; a case without an account (a
paper application) is told by the e-mail and phone it gave.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hromada.apps.services.models import CaseStatus, ServiceCase
from hromada.core.notifications.services import notify

# The message of each status a case reaches, with %(number)s, %(service)s, %(due)s, %(link)s.
MESSAGES: dict[str, tuple[str, str]] = {
    CaseStatus.SUBMITTED: (
        gettext_noop("Application %(number)s received"),
        gettext_noop("Your application %(number)s for “%(service)s” is received. Term: %(due)s. "
                     "Follow it: %(link)s")),
    CaseStatus.ACCEPTED: (
        gettext_noop("Application %(number)s accepted"),
        gettext_noop("The ЦНАП accepted your application %(number)s for “%(service)s”. Term: %(due)s. %(link)s")),
    CaseStatus.RETURNED: (
        gettext_noop("Application %(number)s needs documents"),
        gettext_noop("Your application %(number)s for “%(service)s” is returned: add %(missing)s and submit it "
                     "again. %(link)s")),
    CaseStatus.IN_WORK: (
        gettext_noop("Application %(number)s is with the provider"),
        gettext_noop("Your application %(number)s for “%(service)s” is with the provider. Term: %(due)s. "
                     "%(link)s")),
    CaseStatus.GRANTED: (
        gettext_noop("Application %(number)s granted"),
        gettext_noop("The decision on your application %(number)s for “%(service)s”: granted. %(link)s")),
    CaseStatus.REFUSED: (
        gettext_noop("Application %(number)s refused"),
        gettext_noop("The decision on your application %(number)s for “%(service)s”: refused (%(ground)s). "
                     "How to appeal: %(link)s")),
    CaseStatus.RESULT_READY: (
        gettext_noop("Result of %(number)s is ready"),
        gettext_noop("The result of your application %(number)s for “%(service)s” is ready. %(link)s")),
    CaseStatus.ISSUED: (
        gettext_noop("Result of %(number)s issued"),
        gettext_noop("The result of your application %(number)s for “%(service)s” is issued. Rate the service: "
                     "%(link)s")),
    CaseStatus.WITHDRAWN: (
        gettext_noop("Application %(number)s withdrawn"),
        gettext_noop("Your application %(number)s for “%(service)s” is withdrawn. %(link)s")),
}


def case_link(case: ServiceCase) -> str:
    """Absolute link to the case's status check (number and code filled in), for messages and the QR code."""
    path = reverse("services:status", urlconf=settings.COMMUNITY_URLCONF)
    relative = path[len(get_script_prefix()):] if path.startswith(get_script_prefix()) else path.lstrip("/")
    return f"{case.community.public_url.rstrip('/')}/{relative}?number={case.number}&code={case.status_code}"


def tell_applicant(case: ServiceCase, *, event_id: int | None) -> None:
    """Queue the message of the case's current status to the applicant, in the caller's transaction.

    `event_id` is the event of the step (it keys the messages); None for a case being created in this
    transaction, about which nothing can have been sent yet."""
    subject, body = MESSAGES[case.status]
    recipient = case.applicant
    language = (getattr(recipient, "preferred_language", "") or "uk") if recipient else "uk"
    with translation.override(language):
        due = case.due_date.strftime("%d.%m.%Y") if case.due_date else _("not set")
        values = {"number": case.number, "service": case.version.card.get("name", case.service.name_uk),
                  "due": due, "link": case_link(case), "ground": case.refusal_ground,
                  "missing": "; ".join(case.missing_documents)}
        title, text = _(subject) % values, _(body) % values
        key = f"services-case-{case.pk}-{event_id}" if event_id else None
        email = (recipient.email if recipient else "") or case.applicant_email
        phone = (recipient.phone if recipient else "") or case.applicant_phone
        if email:
            notify(recipient=recipient, address=email, channel="email", kind=f"services.{case.status}",
                   subject=title, body=text, idempotency_key=key and f"{key}-email", community=case.community)
        if phone:
            notify(recipient=recipient, address=phone, channel="sms", kind=f"services.{case.status}",
                   body=f"{title}. {values['link']}", idempotency_key=key and f"{key}-sms",
                   community=case.community)
        chat = getattr(recipient, "messenger_chat_id", "") if recipient else ""
        if chat:
            notify(recipient=recipient, address=str(chat), channel="messenger", kind=f"services.{case.status}",
                   body=text, idempotency_key=key and f"{key}-messenger", community=case.community)
