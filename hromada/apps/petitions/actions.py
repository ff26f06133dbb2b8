"""Every write to petitions: one function per transition or operation.

Each runs in one transaction, writes a `PetitionEvent` for a status change, records staff
acts in the audit log and queues notifications in the same transaction. Errors are
`DomainError`s with a stable code and a message in the active language; nothing changes.

Signature counting: `Petition.signature_count` is changed by `UPDATE ... SET
signature_count = signature_count ± n` in the transaction that inserts, withdraws or
invalidates the signature rows, so it always equals the number of active rows. Lock
order is signature rows first, then the petition row (held only until commit).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, NoReturn

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.urls import get_script_prefix, reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hromada.apps.accounts.models import IdentityLevel, Role, StaffRole, User, tax_number_hash
from hromada.apps.communities.models import Community
from hromada.apps.petitions import batching, eligibility, signals, workflow
from hromada.apps.petitions.eligibility import personal_refusal
from hromada.apps.petitions.models import (
    NOTE_MAX,
    SIGNABLE_STATUSES,
    TEXT_MAX,
    TITLE_MAX,
    Decision,
    Petition,
    PetitionCategory,
    PetitionCoauthor,
    PetitionDocument,
    PetitionEvent,
    PetitionPolicy,
    PetitionResponse,
    PetitionStatus,
    RejectionReason,
    Signature,
    SignatureChannel,
    SignatureInvalidation,
)
from hromada.core import tenancy
from hromada.core import text as plain_text
from hromada.core.api.errors import DomainError
from hromada.core.audit.services import audit_record
from hromada.core.calendar import add_calendar_days, community_add_working_days, end_of_day
from hromada.core.jobs import enqueue
from hromada.core.notifications.services import notify

logger = logging.getLogger("hromada.petitions")
S = PetitionStatus
MAX_DOCUMENTS = 5
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


# ---------------------------------------------------------------- helpers


def clean_plain_text(value: str | None, **options: Any) -> str:
    """The core cleaner; a petition is published as written, so HTML markup is refused rather than escaped."""
    return plain_text.clean_plain_text(value, refuse_markup=True, **options)


def _forbidden() -> DomainError:
    return DomainError(_("You do not have permission to do this."), code="forbidden", status_code=403)


def _require(user, permission: str, obj) -> None:
    if user is None or not user.has_perm(permission, obj):
        raise _forbidden()


def _lock(petition: Petition) -> Petition:
    """The petition re-read with its row locked until the end of the transaction."""
    return Petition.objects.select_for_update().select_related("community").get(pk=petition.pk)


def _sync(target: Petition, source: Petition) -> None:
    """Copy the saved state of `source` (the locked copy) onto the caller's instance."""
    for field in Petition._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def _event(petition: Petition, kind: str, *, actor=None, from_status: str = "", to_status: str = "",
           note: str = "", data: dict[str, Any] | None = None, at: datetime | None = None) -> PetitionEvent:
    return PetitionEvent.objects.create(
        community_id=petition.community_id, petition=petition, kind=kind, actor=actor if actor else None,
        from_status=from_status, to_status=to_status, note=note, data=data or {}, at=at or timezone.now())


def _apply(petition: Petition, name: str, *, by=None, note: str = "", data: dict[str, Any] | None = None,
           at: datetime | None = None, **fields: Any) -> PetitionEvent:
    """Run transition `name` on `petition`, whose row the caller has locked; write the event."""
    transition = workflow.check(name, petition, by)
    before = petition.status
    petition.status = transition.target
    for field, value in fields.items():
        setattr(petition, field, value)
    petition.save(update_fields=["status", *fields])
    return _event(petition, name, actor=by, from_status=before, to_status=transition.target, note=note,
                  data=data, at=at)


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


# ---------------------------------------------------------------- eligibility to sign: eligibility.py


# ---------------------------------------------------------------- counting


def _bump_count(petition: Petition, delta: int, *, now: datetime, require_open: bool) -> tuple[int, str, int]:
    """Add `delta` to the petition's count in one UPDATE (taking its row lock); return
    (count, status, threshold) as they are now. With `require_open`, only while signing is
    open: DomainError otherwise, which rolls the caller's transaction back."""
    sql = f"UPDATE {Petition._meta.db_table} SET signature_count = signature_count + %s WHERE id = %s"  # noqa: S608
    params: list[Any] = [delta, petition.pk]
    if require_open:
        sql += " AND status IN (%s, %s) AND collection_ends_at >= %s"
        params += [*SIGNABLE_STATUSES, connection.ops.adapt_datetimefield_value(now)]
    sql += " RETURNING signature_count, status, threshold"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:  # closed since we looked: report the precise reason
        petition.refresh_from_db(fields=["status", "collection_ends_at"])
        refusal = eligibility.petition_refusal(petition, now)
        raise refusal or DomainError(_("Signature collection for this petition is closed."),
                                     code="petition_closed", status_code=409)
    count, status, threshold = int(row[0]), str(row[1]), int(row[2])
    petition.signature_count = count
    petition.status = status
    petition.threshold = threshold
    return count, status, threshold


def _follow_threshold(petition: Petition, *, now: datetime) -> None:
    """After the count changed (row locked): cross the threshold up or down while collecting."""
    if petition.status == S.COLLECTING and petition.signature_count >= petition.threshold:
        _reach_threshold(petition, now=now)
    elif petition.status == S.THRESHOLD_REACHED and petition.signature_count < petition.threshold:
        _apply(petition, "lose_threshold", at=now, data={"count": petition.signature_count},
               threshold_reached_at=None, consideration_due_at=None)


def _reach_threshold(petition: Petition, *, now: datetime) -> None:
    policy = PetitionPolicy.for_community(petition.community)
    due = end_of_day(community_add_working_days(petition.community, now, policy.consideration_working_days))
    event = _apply(petition, "reach_threshold", at=now, data={"count": petition.signature_count},
                   threshold_reached_at=now, consideration_due_at=due)
    params = {"count": petition.signature_count, "due": due}
    controllers = User.objects.filter(
        pk__in=StaffRole.objects.filter(role__in=[Role.CONTROLLER, Role.ADMIN]).values("user_id"), is_active=True)
    for controller in controllers:
        _tell(controller, petition=petition, kind="petitions.threshold_reached_controller",
              key=f"petition-threshold:{event.pk}:{controller.pk}", params=params,
              subject=gettext_noop("Petition reached its threshold: %(title)s"),
              body=gettext_noop(
                  "The petition “%(title)s” has %(count)s signatures and must be considered by %(due)s.\n%(link)s"))
    _tell(petition.author, petition=petition, kind="petitions.threshold_reached_author",
          key=f"petition-threshold:{event.pk}:author", params=params,
          subject=gettext_noop("Your petition reached its threshold"),
          body=gettext_noop("Your petition “%(title)s” has gathered %(count)s signatures. The council must consider it "
               "by %(due)s.\n%(link)s"))


# ---------------------------------------------------------------- authoring


def _clean_fields(title: str, text: str) -> tuple[str, str]:
    return (clean_plain_text(title, field="title", max_length=TITLE_MAX, single_line=True),
            clean_plain_text(text, field="text", max_length=TEXT_MAX))


def petition_create(*, community: Community, author: User, title: str, text: str,
                    category: PetitionCategory | None = None) -> Petition:
    """A new draft; only its author sees it until it is submitted and published."""
    _require(author, "petitions.create_petition", community)
    title, text = _clean_fields(title, text)
    refusal = personal_refusal(community, author, PetitionPolicy.for_community(community), timezone.now())
    if refusal is not None:
        raise refusal
    with transaction.atomic():
        petition = Petition.objects.create(community=community, author=author, title=title, text=text,
                                           category=category)
        _event(petition, "created", actor=author, to_status=S.DRAFT)
    return petition


def petition_update(*, petition: Petition, by: User, title: str, text: str,
                    category: PetitionCategory | None = None) -> Petition:
    _require(by, "petitions.change_petition", petition)
    title, text = _clean_fields(title, text)
    with transaction.atomic():
        locked = _lock(petition)
        _require(by, "petitions.change_petition", locked)
        locked.title, locked.text, locked.category = title, text, category
        locked.save(update_fields=["title", "text", "category"])
    _sync(petition, locked)
    return locked


def petition_invite_coauthor(*, petition: Petition, by: User, email: str) -> PetitionCoauthor:
    _require(by, "petitions.change_petition", petition)
    person = User.objects.filter(email__iexact=(email or "").strip()).first()
    if person is None or person.identity_level < IdentityLevel.VERIFIED:
        raise DomainError(_("There is no account with a verified identity for this e-mail."),
                          code="coauthor_not_found", field="email")
    if person.pk == petition.author_id:
        raise DomainError(_("You are the author; invite someone else."), code="coauthor_is_author", field="email")
    try:
        with transaction.atomic():
            coauthor = PetitionCoauthor.objects.create(community_id=petition.community_id, petition=petition,
                                                       person=person)
            _event(petition, "coauthor_invited", actor=by, data={"person": person.pk})
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
    with transaction.atomic():
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
            _event(petition, "coauthor_confirmed", actor=person, data={"person": person.pk})
    return coauthor


def petition_submit(*, petition: Petition, by: User) -> Petition:
    """Send the draft to moderation; the moderation term (working days) starts now."""
    now = timezone.now()
    with transaction.atomic():
        locked = _lock(petition)
        policy = PetitionPolicy.for_community(locked.community)
        # The author signs at publication: make sure they can, before a moderator spends time on it.
        refusal = personal_refusal(locked.community, by, policy, now)
        if refusal is not None:
            raise refusal
        due = end_of_day(community_add_working_days(locked.community, now, policy.moderation_working_days))
        event = _apply(locked, "submit", by=by, at=now, submitted_at=now, moderation_due_at=due)
        _tell(locked.author, petition=locked, kind="petitions.submitted", key=f"petition-event:{event.pk}",
              params={"due": due}, subject=gettext_noop("Your petition is on moderation"),
              body=gettext_noop(
                  "Your petition “%(title)s” was submitted. A moderator will publish it or explain the refusal "
                   "by %(due)s.\n%(link)s"))
    _sync(petition, locked)
    return locked


# ---------------------------------------------------------------- moderation


def petition_moderate(*, petition: Petition, by: User, publish: bool, reason: str = "", note: str = "") -> Petition:
    """Publish the petition (collection starts; its author signs it) or reject it with a reason."""
    note = clean_plain_text(note, field="note", max_length=NOTE_MAX, required=False)
    if not publish:
        if reason not in RejectionReason.values:
            raise DomainError(_("Choose the reason for the rejection."), code="reason_required", field="reason")
        if reason == RejectionReason.OTHER and not note:
            raise DomainError(_("Explain the reason in the note."), code="note_required", field="note")
    now = timezone.now()
    with transaction.atomic():
        locked = _lock(petition)
        community = locked.community
        if publish:
            ends = end_of_day(add_calendar_days(now, community.petition_period_days))
            event = _apply(locked, "publish", by=by, at=now, note=note, published_at=now, collection_ends_at=ends,
                           threshold=community.petition_threshold)
            _insert_signature(locked, locked.author, now=now, channel=SignatureChannel.ONLINE)
            _bump_count(locked, +1, now=now, require_open=True)
            _follow_threshold(locked, now=now)
            _tell(locked.author, petition=locked, kind="petitions.published", key=f"petition-event:{event.pk}",
                  params={"ends": ends, "threshold": locked.threshold},
                  subject=gettext_noop("Your petition is published"),
                  body=gettext_noop(
                      "Your petition “%(title)s” is published and collects signatures until %(ends)s; it needs "
                       "%(threshold)s. Your own signature is already counted.\n%(link)s"))
        else:
            event = _apply(locked, "reject", by=by, at=now, note=note, data={"reason": reason},
                           rejection_reason=reason, rejection_note=note, closed_at=now)
            _tell(locked.author, petition=locked, kind="petitions.rejected", key=f"petition-event:{event.pk}",
                  params={"reason": RejectionReason(reason).label, "note": note},
                  subject=gettext_noop("Your petition was not published"),
                  body=gettext_noop(
                      "Your petition “%(title)s” was not published. Reason: %(reason)s. %(note)s\n%(link)s"))
        audit_record(actor=by, action="petitions.publish" if publish else "petitions.reject", community=community,
                     target=locked, data={"reason": reason, "note": note})
    _sync(petition, locked)
    return locked


# ---------------------------------------------------------------- signing


_INSERT_SIGNATURE_SQL = (
    f"INSERT INTO {Signature._meta.db_table} (community_id, petition_id, person_id, signed_at, channel, "  # noqa: S608
    "operator_id, ip, email_domain, notify_on_answer) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id")


def _require_signing_scope(petition: Petition) -> None:
    """Signature rows are written with plain SQL, past the tenant manager: check the scope here."""
    active = tenancy.current_scope()
    if active is None or not (active.all_communities or active.community_id == petition.community_id):
        raise tenancy.ScopeError("signatures are written only inside their community's scope")


def _insert_signature(petition: Petition, person, *, now: datetime, channel: str, ip: str | None = None,
                      notify_on_answer: bool = True, operator: User | None = None) -> Signature:
    """INSERT the signature row; the partial unique index refuses a second active one.

    No savepoint: the caller's transaction is rolled back by the DomainError."""
    _require_signing_scope(petition)
    signature = Signature(
        community_id=petition.community_id, petition=petition, person=person, signed_at=now, channel=channel,
        ip=ip or None, email_domain=_email_domain(person), notify_on_answer=notify_on_answer, operator=operator)
    ops = connection.ops
    # One plain INSERT (the hot path of a surge): the model's save() machinery costs more than the statement.
    params = [signature.community_id, petition.pk, person.pk, ops.adapt_datetimefield_value(now), channel,
              operator.pk if operator is not None else None, ops.adapt_ipaddressfield_value(signature.ip),
              signature.email_domain, notify_on_answer]
    try:
        with connection.cursor() as cursor:
            cursor.execute(_INSERT_SIGNATURE_SQL, params)
            signature.pk = cursor.fetchone()[0]
    except IntegrityError as exc:
        raise DomainError(_("You have already signed this petition."), code="already_signed",
                          status_code=409) from exc
    signature._state.adding = False
    return signature


def _email_domain(person: User) -> str:
    email = getattr(person, "email", "") or ""
    return email.rsplit("@", 1)[-1].lower() if "@" in email else ""


def _sign_in_batch(petition: Petition, person: User, *, now: datetime, ip: str | None,
                   notify_on_answer: bool) -> Signature:
    """PostgreSQL, outside a transaction: the signature goes in the process's next batch (see
    batching.py), one statement for all requests signing this petition at the same moment."""
    email_domain = _email_domain(person)
    request = batching.sign(petition, batching.Request(
        person_id=person.pk, signed_at=now, ip=ip or None, email_domain=email_domain,
        notify_on_answer=notify_on_answer))
    if request.outcome is batching.Outcome.DUPLICATE:
        raise DomainError(_("You have already signed this petition."), code="already_signed", status_code=409)
    if request.outcome is batching.Outcome.CLOSED:
        _refuse_closed(petition, now=now)
    if request.outcome is not batching.Outcome.SIGNED:  # not decided by a batch: this request alone, precisely
        return _sign_in_transaction(petition, person, now=now, ip=ip, notify_on_answer=notify_on_answer)
    petition.signature_count, petition.status, petition.threshold = request.count
    _after_signing(petition, now=now)
    signature = Signature(
        pk=request.signature_id, community_id=petition.community_id, petition=petition, person=person,
        signed_at=now, channel=SignatureChannel.ONLINE, ip=ip or None, email_domain=email_domain,
        notify_on_answer=notify_on_answer)
    signature._state.adding = False
    return signature


def _refuse_closed(petition: Petition, *, now: datetime) -> NoReturn:
    """Signing found the petition closed since the checks: raise the precise reason."""
    with transaction.atomic():
        _bump_count(petition, 0, now=now, require_open=True)
    raise DomainError(_("Signature collection for this petition is closed."), code="petition_closed",
                      status_code=409)


def _after_signing(petition: Petition, *, now: datetime) -> None:
    """The threshold transition when a signature written outside a transaction crossed it."""
    if petition.status == S.COLLECTING and petition.signature_count >= petition.threshold:
        with transaction.atomic():
            locked = _lock(petition)
            if locked.status == S.COLLECTING and locked.signature_count >= locked.threshold:
                _follow_threshold(locked, now=now)
            petition.signature_count, petition.status = locked.signature_count, locked.status


def petition_sign(*, petition: Petition, person: User, ip: str | None = None, notify_on_answer: bool = True,
                  policy: PetitionPolicy | None = None) -> Signature:
    """Sign online: INSERT the signature and UPDATE the count atomically (+ the threshold transition
    when this signature crosses it). Returns the signature; `petition` carries the new count."""
    policy = policy or PetitionPolicy.for_community(petition.community)
    now = timezone.now()
    refusal = eligibility.refusal(person, petition, policy, now)
    if refusal is not None:
        raise refusal
    if connection.vendor == "postgresql" and connection.get_autocommit():
        _require_signing_scope(petition)
        return _sign_in_batch(petition, person, now=now, ip=ip, notify_on_answer=notify_on_answer)
    return _sign_in_transaction(petition, person, now=now, ip=ip, notify_on_answer=notify_on_answer)


def _sign_in_transaction(petition: Petition, person: User, *, now: datetime, ip: str | None,
                         notify_on_answer: bool) -> Signature:
    """One transaction: the count's UPDATE (the petition's row lock first), then the signature's INSERT,
    then the threshold transition when this signature crosses it."""
    with transaction.atomic():
        _bump_count(petition, +1, now=now, require_open=True)
        signature = _insert_signature(petition, person, now=now, channel=SignatureChannel.ONLINE, ip=ip,
                                      notify_on_answer=notify_on_answer)
        if petition.status == S.COLLECTING and petition.signature_count >= petition.threshold:
            _follow_threshold(petition, now=now)
    return signature


def petition_withdraw_signature(*, petition: Petition, person: User) -> None:
    """Withdraw one's signature while signatures are collected; the row stays, marked withdrawn."""
    now = timezone.now()
    with transaction.atomic():
        # The petition's row first, then the signature: the order every signing path locks in, so
        # a withdrawal and a new signature of the same person wait for each other, never deadlock.
        _bump_count(petition, -1, now=now, require_open=True)
        withdrawn = Signature.objects.filter(
            petition=petition, person=person, withdrawn_at__isnull=True, invalidated_at__isnull=True,
        ).update(withdrawn_at=now)
        if not withdrawn:  # rolls the count back too
            raise DomainError(_("You have not signed this petition."), code="not_signed", status_code=409)
        _follow_threshold(petition, now=now)


def petition_sign_in_person(*, petition: Petition, operator: User, tax_number: str,
                            notify_on_answer: bool = False) -> Signature:
    """An operator at a CNAP desk records the signature of a resident whose documents they checked.

    The resident is found by the keyed hash of their tax number (their verified account); the
    act is audited with the operator and the resident."""
    _require(operator, "petitions.sign_in_person", petition)
    digits = "".join(ch for ch in tax_number or "" if ch.isdigit())
    if len(digits) != 10:
        raise DomainError(_("The tax number (RNOKPP) has exactly 10 digits."), code="bad_tax_number",
                          field="tax_number")
    person = User.objects.filter(tax_number_hash=tax_number_hash(digits)).first()
    if person is None:
        raise DomainError(_("No verified account has this tax number. Verify the resident's identity first."),
                          code="person_not_found", field="tax_number", status_code=404)
    now = timezone.now()
    refusal = eligibility.refusal(person, petition, PetitionPolicy.for_community(petition.community), now)
    if refusal is not None:
        raise refusal
    with transaction.atomic():
        _bump_count(petition, +1, now=now, require_open=True)  # the petition's row lock first, as always
        signature = _insert_signature(petition, person, now=now, channel=SignatureChannel.IN_PERSON,
                                      notify_on_answer=notify_on_answer, operator=operator)
        _follow_threshold(petition, now=now)
        audit_record(actor=operator, action="petitions.sign_in_person", community=petition.community,
                     target=petition, on_behalf_of=person, data={"signature": signature.pk})
    return signature


# ---------------------------------------------------------------- anti-fraud


def signatures_invalidate_batch(*, petition: Petition, by: User, reason: str,
                                signature_ids: Sequence[int] | None = None, ip: str | None = None,
                                email_domain: str | None = None, signed_from: datetime | None = None,
                                signed_to: datetime | None = None) -> SignatureInvalidation:
    """Invalidate the active signatures matching every given criterion; the count follows.

    At least one criterion is needed. Audited with the criteria and the number invalidated."""
    _require(by, "petitions.invalidate_signatures", petition)
    reason = clean_plain_text(reason, field="reason", max_length=NOTE_MAX)
    query = Q(petition=petition, withdrawn_at__isnull=True, invalidated_at__isnull=True)
    criteria: dict[str, Any] = {}
    if signature_ids:
        query &= Q(pk__in=list(signature_ids))
        criteria["signature_ids"] = sorted(int(i) for i in signature_ids)
    if ip:
        query &= Q(ip=ip)
        criteria["ip"] = ip
    if email_domain:
        query &= Q(email_domain=email_domain.strip().lower())
        criteria["email_domain"] = email_domain.strip().lower()
    if signed_from:
        query &= Q(signed_at__gte=signed_from)
        criteria["signed_from"] = signed_from.isoformat()
    if signed_to:
        query &= Q(signed_at__lt=signed_to)
        criteria["signed_to"] = signed_to.isoformat()
    if not criteria:
        raise DomainError(_("Choose which signatures to invalidate: by IP address, e-mail domain, time or list."),
                          code="criteria_required")
    now = timezone.now()
    with transaction.atomic():
        _lock(petition)  # the petition's row first, as every signing path locks
        batch = SignatureInvalidation.objects.create(community_id=petition.community_id, petition=petition, by=by,
                                                     reason=reason, criteria=criteria, created_at=now)
        count = Signature.objects.filter(query).update(invalidated_at=now, invalidation=batch)
        if not count:
            raise DomainError(_("No active signatures match these criteria."), code="nothing_to_invalidate")
        batch.signature_count = count
        batch.save(update_fields=["signature_count"])
        _bump_count(petition, -count, now=now, require_open=False)
        if petition.status == S.THRESHOLD_REACHED:
            _follow_threshold(petition, now=now)
        _event(petition, "signatures_invalidated", actor=by, note=reason, at=now,
               data={"count": count, "batch": batch.pk})
        audit_record(actor=by, action="petitions.invalidate_signatures", community=petition.community,
                     target=petition, data={"batch": batch.pk, "count": count, "reason": reason, **criteria})
    return batch


# ---------------------------------------------------------------- consideration and answer


def petition_start_consideration(*, petition: Petition, by: User) -> Petition:
    """The council takes the petition up; signing closes. The deadline stays as set at the threshold."""
    now = timezone.now()
    with transaction.atomic():
        locked = _lock(petition)
        event = _apply(locked, "start_consideration", by=by, at=now, consideration_started_at=now)
        audit_record(actor=by, action="petitions.start_consideration", community=locked.community, target=locked)
        _tell(locked.author, petition=locked, kind="petitions.consideration", key=f"petition-event:{event.pk}",
              params={"due": locked.consideration_due_at},
              subject=gettext_noop("Your petition is under consideration"),
              body=gettext_noop(
                  "The council is considering your petition “%(title)s”; the answer is due by %(due)s.\n%(link)s"))
    _sync(petition, locked)
    return locked


def petition_answer(*, petition: Petition, by: User, decision: str, text: str,
                    documents: Iterable[tuple[str, UploadedFile]] = ()) -> PetitionResponse:
    """Publish the official response with any decision documents; the author is told now,
    the signers who asked to be told by a background job queued in the same transaction."""
    if decision not in Decision.values:
        raise DomainError(_("Choose the decision: supported or not supported."), code="decision_required",
                          field="decision")
    text = clean_plain_text(text, field="text", max_length=TEXT_MAX)
    documents = list(documents)
    if len(documents) > MAX_DOCUMENTS:
        raise DomainError(_("Attach at most %(n)s documents.") % {"n": MAX_DOCUMENTS}, code="too_many_documents",
                          field="documents")
    for _title, upload in documents:
        if upload.size and upload.size > MAX_DOCUMENT_BYTES:
            raise DomainError(_("“%(name)s” is larger than 20 MB.") % {"name": upload.name},
                              code="document_too_large", field="documents")
    now = timezone.now()
    with transaction.atomic():
        locked = _lock(petition)
        event = _apply(locked, "answer", by=by, at=now, data={"decision": decision}, answered_at=now)
        response = PetitionResponse.objects.create(community_id=locked.community_id, petition=locked,
                                                   decision=decision, text=text, responded_by=by, published_at=now)
        for title, upload in documents:
            PetitionDocument.objects.create(
                community_id=locked.community_id, petition=locked, file=upload,
                title=clean_plain_text(title or upload.name, field="documents", max_length=200, single_line=True))
        _sync(petition, locked)
        audit_record(actor=by, action="petitions.answer", community=locked.community, target=locked,
                     data={"decision": decision, "documents": len(documents)})
        params = {"decision": Decision(decision).label}
        _tell(locked.author, petition=locked, kind="petitions.answered_author", key=f"petition-event:{event.pk}",
              params=params, subject=gettext_noop("The council answered your petition"),
              body=gettext_noop(
                  "The council answered your petition “%(title)s”: %(decision)s. Read the response: %(link)s"))
        from hromada.apps.petitions.tasks import notify_signers_answered

        enqueue(notify_signers_answered, community_id=locked.community_id, petition_id=locked.pk)
    return response


def notify_signers(*, petition: Petition, batch_size: int = 500) -> int:
    """Tell every active signer who did not opt out that the petition was answered (idempotent)."""
    sent = 0
    signers = (Signature.objects.filter(petition=petition, withdrawn_at__isnull=True, invalidated_at__isnull=True,
                                        notify_on_answer=True)
               .exclude(person_id=petition.author_id).select_related("person").order_by("pk"))
    decision = petition.response.decision
    for signature in signers.iterator(chunk_size=batch_size):
        with translation.override(signature.person.preferred_language or "uk"):
            label = str(Decision(decision).label)
        _tell(signature.person, petition=petition, kind="petitions.answered_signer",
              key=f"petition-answered:{petition.pk}:{signature.person_id}", params={"decision": label},
              subject=gettext_noop("A petition you signed was answered"),
              body=gettext_noop("The council answered the petition “%(title)s” you signed: %(decision)s. "
                   "Read the response: %(link)s"))
        sent += 1
    return sent


def petition_archive(*, petition: Petition, by: User) -> Petition:
    with transaction.atomic():
        locked = _lock(petition)
        _apply(locked, "archive", by=by, closed_at=locked.closed_at or timezone.now())
        audit_record(actor=by, action="petitions.archive", community=locked.community, target=locked)
    _sync(petition, locked)
    return locked


# ---------------------------------------------------------------- deadlines (jobs)


def petitions_close_expired(*, community: Community) -> list[int]:
    """Forward every petition whose period ended below the threshold as a collective appeal.

    Returns the ids forwarded. Idempotent: a petition is forwarded once (status check under lock)."""
    now = timezone.now()
    forwarded = []
    candidates = Petition.objects.filter(status=S.COLLECTING, collection_ends_at__lt=now).values_list("pk", flat=True)
    for pk in list(candidates):
        with transaction.atomic():
            locked = Petition.objects.select_for_update().select_related("community").get(pk=pk)
            if locked.status != S.COLLECTING or locked.collection_ends_at is None or locked.collection_ends_at >= now:
                continue
            _apply(locked, "forward", at=now, data={"count": locked.signature_count}, closed_at=now)
            reference, url = forward_to_appeals(locked)
            if reference:
                locked.appeal_reference, locked.appeal_url = reference, url
                locked.save(update_fields=["appeal_reference", "appeal_url"])
            _tell(locked.author, petition=locked, kind="petitions.forwarded", key=f"petition-forwarded:{locked.pk}",
                  params={"count": locked.signature_count, "threshold": locked.threshold},
                  subject=gettext_noop("Your petition is forwarded as a collective appeal"),
                  body=gettext_noop(
                      "The signature period of your petition “%(title)s” ended with %(count)s of %(threshold)s "
                       "signatures. By law it is handled as a collective appeal, and you will get an answer "
                       "within the terms for appeals.\n%(link)s"))
            forwarded.append(pk)
    return forwarded


def forward_to_appeals(petition: Petition) -> tuple[str, str]:
    """The hook to the appeals module: receivers of `signals.petition_forwarded` create the
    collective appeal and return (reference, url). Without one, the forwarding is recorded
    on the petition's timeline and the council's office handles it on paper."""
    for receiver, result in signals.petition_forwarded.send(sender=Petition, petition=petition):
        if isinstance(result, tuple) and len(result) == 2 and result[0]:
            logger.info("petition %s forwarded to %s as %s", petition.pk, receiver, result[0])
            return str(result[0]), str(result[1])
    return "", ""


def petitions_flag_overdue(*, community: Community) -> list[int]:
    """Tell the controllers (once per petition) about consideration past its deadline."""
    now = timezone.now()
    flagged = []
    overdue = Petition.objects.filter(status__in=[S.THRESHOLD_REACHED, S.CONSIDERATION],
                                      consideration_due_at__lt=now, overdue_flagged_at__isnull=True)
    controllers = list(User.objects.filter(
        pk__in=StaffRole.objects.filter(role__in=[Role.CONTROLLER, Role.ADMIN]).values("user_id"), is_active=True))
    for petition in overdue.select_related("community"):
        with transaction.atomic():
            if not Petition.objects.filter(pk=petition.pk, overdue_flagged_at__isnull=True).update(
                    overdue_flagged_at=now):
                continue
            _event(petition, "consideration_overdue", at=now,
                   data={"due": petition.consideration_due_at.isoformat() if petition.consideration_due_at else ""})
            for controller in controllers:
                _tell(controller, petition=petition, kind="petitions.overdue",
                      key=f"petition-overdue:{petition.pk}:{controller.pk}",
                      params={"due": petition.consideration_due_at},
                      subject=gettext_noop("Petition consideration is overdue: %(title)s"),
                      body=gettext_noop(
                          "The petition “%(title)s” had to be considered by %(due)s and is not answered yet."
                           "\n%(link)s"))
            flagged.append(petition.pk)
    return flagged


# ---------------------------------------------------------------- policy


def category_create(*, community: Community, by: User, name_uk: str, name_en: str = "") -> PetitionCategory:
    _require(by, "petitions.change_policy", community)
    name_uk = clean_plain_text(name_uk, field="name_uk", max_length=200, single_line=True)
    name_en = clean_plain_text(name_en, field="name_en", max_length=200, single_line=True, required=False)
    try:
        with transaction.atomic():
            category = PetitionCategory.objects.create(community=community, name_uk=name_uk, name_en=name_en)
            audit_record(actor=by, action="petitions.create_category", community=community, target=category,
                         data={"name": name_uk})
    except IntegrityError as exc:
        raise DomainError(_("This name is already used in the community."), code="category_exists",
                          field="name_uk") from exc
    return category


def policy_update(*, community: Community, by: User, changes: dict[str, Any]) -> PetitionPolicy:
    """Save petition rules changed by a community admin (audited with what changed)."""
    _require(by, "petitions.change_policy", community)
    with transaction.atomic():
        PetitionPolicy.for_community(community)
        policy = PetitionPolicy.objects.select_for_update().get(community=community)
        changed = {}
        for field, value in changes.items():
            if getattr(policy, field) != value:
                changed[field] = str(value)
                setattr(policy, field, value)
        if changed:
            policy.full_clean()
            policy.save(update_fields=list(changed))
            audit_record(actor=by, action="petitions.update_policy", community=community, data={"changed": changed})
    return policy
