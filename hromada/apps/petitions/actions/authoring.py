"""Writing a petition: the draft, its co-authors, the submission to moderation."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hromada.apps.accounts.models import IdentityLevel, User
from hromada.apps.communities.models import Community
from hromada.apps.petitions.actions.common import _tell
from hromada.apps.petitions.eligibility import personal_refusal
from hromada.apps.petitions.models import (
    TEXT_MAX,
    TITLE_MAX,
    Petition,
    PetitionCategory,
    PetitionCoauthor,
    PetitionEvent,
    PetitionPolicy,
    PetitionStatus,
)
from hromada.apps.petitions.workflow import WORKFLOW
from hromada.core.api.errors import DomainError
from hromada.core.calendar import community_add_working_days, end_of_day
from hromada.core.cases.actions import apply_transition, copy_values, lock, require
from hromada.core.text import clean_plain_text

S = PetitionStatus


def _clean_fields(title: str, text: str) -> tuple[str, str]:
    """A petition is published as written, so HTML markup is refused rather than escaped."""
    return (clean_plain_text(title, field="title", max_length=TITLE_MAX, single_line=True, refuse_markup=True),
            clean_plain_text(text, field="text", max_length=TEXT_MAX, refuse_markup=True))


def petition_create(*, community: Community, author: User, title: str, text: str,
                    category: PetitionCategory | None = None) -> Petition:
    """A new draft; only its author sees it until it is submitted and published."""
    require(author, "petitions.create_petition", community)
    title, text = _clean_fields(title, text)
    refusal = personal_refusal(community, author, PetitionPolicy.for_community(community), timezone.now())
    if refusal is not None:
        raise refusal
    with transaction.atomic(durable=True):
        petition = Petition.objects.create(community=community, author=author, title=title, text=text,
                                           category=category)
        PetitionEvent.record(petition, "created", actor=author, to_status=S.DRAFT)
    return petition


def petition_update(*, petition: Petition, by: User, title: str, text: str,
                    category: PetitionCategory | None = None) -> Petition:
    require(by, "petitions.change_petition", petition)
    title, text = _clean_fields(title, text)
    with transaction.atomic(durable=True):
        locked = lock(petition, related=("community",))
        require(by, "petitions.change_petition", locked)
        locked.title, locked.text, locked.category = title, text, category
        locked.save(update_fields=["title", "text", "category"])
    copy_values(petition, locked)
    return locked


def petition_invite_coauthor(*, petition: Petition, by: User, email: str) -> PetitionCoauthor:
    require(by, "petitions.change_petition", petition)
    person = User.objects.filter(email__iexact=(email or "").strip()).first()
    if person is None or person.identity_level < IdentityLevel.VERIFIED:
        raise DomainError(_("There is no account with a verified identity for this e-mail."),
                          code="coauthor_not_found", field="email")
    if person.pk == petition.author_id:
        raise DomainError(_("You are the author; invite someone else."), code="coauthor_is_author", field="email")
    try:
        with transaction.atomic(durable=True):
            coauthor = PetitionCoauthor.objects.create(community_id=petition.community_id, petition=petition,
                                                       person=person)
            PetitionEvent.record(petition, "coauthor_invited", actor=by, data={"person": person.pk})
            _tell(person, petition=petition, kind="petitions.coauthor_invited",
                  key=f"petition-coauthor:{petition.pk}:{person.pk}", params={"author": str(by)},
                  subject=gettext_noop("You are invited to co-author a petition"),
                  body=gettext_noop(
                      "%(author)s invites you to co-author the petition “%(title)s”. Confirm in your cabinet: "
                       "%(link)s"))
    except IntegrityError as exc:
        raise DomainError(_("This person is already invited."), code="coauthor_exists", field="email") from exc
    return coauthor


def petition_confirm_coauthor(*, petition: Petition, person: User) -> PetitionCoauthor:
    with transaction.atomic(durable=True):
        coauthor = (PetitionCoauthor.objects.select_for_update()
                    .filter(petition=petition, person=person).first())
        if coauthor is None:
            raise DomainError(_("You are not invited to co-author this petition."), code="not_invited",
                              status_code=403)
        if petition.status != S.DRAFT:
            raise DomainError(_("The petition has already been submitted."), code="bad_transition", status_code=409)
        if coauthor.confirmed_at is None:
            coauthor.confirmed_at = timezone.now()
            coauthor.save(update_fields=["confirmed_at"])
            PetitionEvent.record(petition, "coauthor_confirmed", actor=person, data={"person": person.pk})
    return coauthor


def petition_submit(*, petition: Petition, by: User) -> Petition:
    """Send the draft to moderation; the moderation term (working days) starts now."""
    now = timezone.now()
    with transaction.atomic(durable=True):
        locked = lock(petition, related=("community",))
        policy = PetitionPolicy.for_community(locked.community)
        due = end_of_day(community_add_working_days(locked.community, now, policy.moderation_working_days))
        event = apply_transition(locked, WORKFLOW, "submit", by=by, event={"at": now}, submitted_at=now,
                                 moderation_due_at=due)
        # The author signs at publication: make sure they can, before a moderator spends time on it
        # (the refusal rolls the submission back).
        refusal = personal_refusal(locked.community, by, policy, now)
        if refusal is not None:
            raise refusal
        _tell(locked.author, petition=locked, kind="petitions.submitted", key=f"petition-event:{event.pk}",
              params={"due": due}, subject=gettext_noop("Your petition is on moderation"),
              body=gettext_noop(
                  "Your petition “%(title)s” was submitted. A moderator will publish it or explain the refusal "
                   "by %(due)s.\n%(link)s"))
    copy_values(petition, locked)
    return locked
