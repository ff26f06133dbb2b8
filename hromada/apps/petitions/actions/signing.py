"""Signing: who may sign, the count kept with the signature rows, the threshold it crosses.

Signature counting: `Petition.signature_count` is changed by `UPDATE ... SET
signature_count = signature_count ± n` in the transaction that inserts, withdraws or
invalidates the signature rows, so it always equals the number of active rows. Lock
order is the petition row first, then the signature rows (held only until commit).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NoReturn

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hromada.apps.accounts.models import Role, StaffRole, User, tax_number_hash
from hromada.apps.petitions import batching, eligibility
from hromada.apps.petitions.actions.common import _tell
from hromada.apps.petitions.models import (
    SIGNABLE_STATUSES,
    Petition,
    PetitionPolicy,
    PetitionStatus,
    Signature,
    SignatureChannel,
)
from hromada.apps.petitions.workflow import WORKFLOW
from hromada.core import tenancy
from hromada.core.api.errors import DomainError
from hromada.core.audit.services import audit_record
from hromada.core.calendar import community_add_working_days, end_of_day
from hromada.core.cases.actions import apply_transition, lock, require

S = PetitionStatus


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
        apply_transition(petition, WORKFLOW, "lose_threshold", data={"count": petition.signature_count},
                         event={"at": now}, threshold_reached_at=None, consideration_due_at=None)


def _reach_threshold(petition: Petition, *, now: datetime) -> None:
    policy = PetitionPolicy.for_community(petition.community)
    due = end_of_day(community_add_working_days(petition.community, now, policy.consideration_working_days))
    event = apply_transition(petition, WORKFLOW, "reach_threshold", data={"count": petition.signature_count},
                             event={"at": now}, threshold_reached_at=now, consideration_due_at=due)
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
            locked = lock(petition, related=("community",))
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
    with transaction.atomic(durable=True):
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
    require(operator, "petitions.sign_in_person", petition)
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
    with transaction.atomic(durable=True):
        _bump_count(petition, +1, now=now, require_open=True)  # the petition's row lock first, as always
        signature = _insert_signature(petition, person, now=now, channel=SignatureChannel.IN_PERSON,
                                      notify_on_answer=notify_on_answer, operator=operator)
        _follow_threshold(petition, now=now)
        audit_record(actor=operator, action="petitions.sign_in_person", community=petition.community,
                     target=petition, on_behalf_of=person, data={"signature": signature.pk})
    return signature
