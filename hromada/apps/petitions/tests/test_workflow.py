"""The lifecycle: every transition with its deadline, event row, audit record and notifications."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from hromada.apps.petitions import actions, workflow
from hromada.apps.petitions.models import Petition, PetitionEvent, PetitionStatus, Signature
from hromada.core.api.errors import DomainError
from hromada.core.audit.models import AuditRecord
from hromada.core.calendar import KYIV
from hromada.core.notifications.models import Message

pytestmark = pytest.mark.django_db
S = PetitionStatus


def kinds(petition):
    return list(PetitionEvent.objects.filter(petition=petition).values_list("kind", flat=True))


def test_notifications_follow_the_recipients_language(make_petition, scoped, author):
    author.preferred_language = "en"
    author.save()
    make_petition("moderation")
    assert Message.objects.get(kind="petitions.submitted", recipient=author).subject == "Your petition is on moderation"


def test_transition_table_covers_the_lifecycle():
    targets = {(t.name, t.target) for t in workflow.WORKFLOW}
    assert ("submit", S.MODERATION) in targets and ("publish", S.COLLECTING) in targets
    assert ("reject", S.REJECTED) in targets and ("reach_threshold", S.THRESHOLD_REACHED) in targets
    assert ("start_consideration", S.CONSIDERATION) in targets and ("answer", S.ANSWERED) in targets
    assert ("forward", S.FORWARDED) in targets and ("archive", S.ARCHIVED) in targets
    # System transitions have no permission: no person can trigger them.
    assert workflow.WORKFLOW["reach_threshold"].permission is None
    assert workflow.WORKFLOW["forward"].permission is None


@time_machine.travel(datetime(2026, 3, 5, 10, 0, tzinfo=KYIV), tick=False)  # a Thursday
def test_submit_sets_moderation_deadline_two_working_days_and_tells_the_author(make_petition, scoped, author):
    petition = make_petition("moderation")
    assert petition.status == S.MODERATION
    # Thursday + 2 working days = Monday, end of day in Kyiv.
    assert petition.moderation_due_at == datetime(2026, 3, 9, 23, 59, 59, tzinfo=KYIV)
    assert kinds(petition) == ["created", "submit"]
    message = Message.objects.get(kind="petitions.submitted", recipient=author)
    # Written in the author's language (Ukrainian by default), with the deadline.
    assert message.subject == "Ваша петиція на модерації" and "9 березня 2026" in message.body


@time_machine.travel(datetime(2026, 3, 5, 10, 0, tzinfo=KYIV), tick=False)
def test_publication_opens_collection_and_the_author_signs_automatically(make_petition, scoped, community, author,
                                                                          moderator):
    community.petition_period_days = 30
    community.save()
    petition = make_petition("collecting", threshold=250)
    assert petition.status == S.COLLECTING and petition.threshold == 250
    assert petition.collection_ends_at == datetime(2026, 4, 4, 23, 59, 59, tzinfo=KYIV)
    assert petition.signature_count == 1
    assert Signature.objects.get(petition=petition).person == author
    assert Message.objects.filter(kind="petitions.published", recipient=author).exists()
    assert AuditRecord.objects.get(action="petitions.publish").actor == moderator


def test_rejection_needs_a_reason_from_the_list_and_is_told_to_the_author(make_petition, scoped, moderator, author):
    petition = make_petition("moderation")
    with pytest.raises(DomainError) as missing:
        actions.petition_moderate(petition=petition, by=moderator, publish=False, reason="")
    assert missing.value.code == "reason_required"
    with pytest.raises(DomainError) as unexplained:
        actions.petition_moderate(petition=petition, by=moderator, publish=False, reason="other")
    assert unexplained.value.code == "note_required"
    assert Petition.objects.get(pk=petition.pk).status == S.MODERATION  # nothing changed
    actions.petition_moderate(petition=petition, by=moderator, publish=False, reason="not_competence",
                              note="Це питання Верховної Ради.")
    petition.refresh_from_db()
    assert petition.status == S.REJECTED and petition.rejection_reason == "not_competence"
    assert not Signature.objects.filter(petition=petition).exists()
    body = Message.objects.get(kind="petitions.rejected", recipient=author).body
    assert "Причина: Питання не належить до повноважень ради. Це питання Верховної Ради." in body


@time_machine.travel(datetime(2026, 3, 6, 12, 0, tzinfo=KYIV), tick=False)  # a Friday
def test_reaching_threshold_sets_consideration_deadline_and_tells_controllers(make_petition, scoped, person,
                                                                              controller, author):
    petition = make_petition(threshold=3)
    actions.petition_sign(petition=petition, person=person())
    assert Petition.objects.get(pk=petition.pk).status == S.COLLECTING
    actions.petition_sign(petition=petition, person=person())
    petition.refresh_from_db()
    assert petition.status == S.THRESHOLD_REACHED and petition.signature_count == 3
    # Friday + 10 working days (martial law: only weekends off) = Friday two weeks later.
    assert petition.consideration_due_at == datetime(2026, 3, 20, 23, 59, 59, tzinfo=KYIV)
    event = PetitionEvent.objects.get(petition=petition, kind="reach_threshold")
    assert (event.from_status, event.to_status, event.data["count"]) == (S.COLLECTING, S.THRESHOLD_REACHED, 3)
    assert Message.objects.filter(kind="petitions.threshold_reached_controller", recipient=controller).exists()
    assert Message.objects.filter(kind="petitions.threshold_reached_author", recipient=author).exists()
    # Signing stays open after the threshold, the status does not move again.
    actions.petition_sign(petition=petition, person=person())
    petition.refresh_from_db()
    assert petition.signature_count == 4 and kinds(petition).count("reach_threshold") == 1


def test_consideration_answer_and_archive(make_petition, scoped, person, controller, moderator, author, settings,
                                          tmp_path):
    settings.MEDIA_ROOT = tmp_path
    petition = make_petition(threshold=2)
    signer = person()
    actions.petition_sign(petition=petition, person=signer)
    quiet = person()
    actions.petition_sign(petition=petition, person=quiet, notify_on_answer=False)
    with pytest.raises(DomainError) as early:
        actions.petition_answer(petition=petition, by=controller, decision="supported", text="Так.")
    assert early.value.code == "bad_transition"
    actions.petition_start_consideration(petition=petition, by=controller)
    petition.refresh_from_db()
    assert petition.status == S.CONSIDERATION and petition.consideration_started_at
    with pytest.raises(DomainError) as closed:
        actions.petition_sign(petition=petition, person=person())
    assert closed.value.code == "petition_closed"
    pdf = SimpleUploadedFile("rishennia.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    actions.petition_answer(petition=petition, by=controller, decision="supported",
                            text="Рада підтримує петицію.", documents=[("Рішення № 12", pdf)])
    petition.refresh_from_db()
    assert petition.status == S.ANSWERED and petition.response.decision == "supported"
    assert petition.documents.get().title == "Рішення № 12"
    assert Message.objects.filter(kind="petitions.answered_author", recipient=author).exists()
    # Signers are told by a job (queued in the same transaction); the one who opted out is not.
    actions.notify_signers(petition=petition)
    told = set(Message.objects.filter(kind="petitions.answered_signer").values_list("recipient_id", flat=True))
    assert told == {signer.pk}
    actions.notify_signers(petition=petition)  # the job may run twice: still one message each
    assert Message.objects.filter(kind="petitions.answered_signer").count() == 1
    actions.petition_archive(petition=petition, by=moderator)
    assert Petition.objects.get(pk=petition.pk).status == S.ARCHIVED
    assert kinds(petition)[-3:] == ["start_consideration", "answer", "archive"]
    assert {"petitions.start_consideration", "petitions.answer", "petitions.archive"} <= set(
        AuditRecord.objects.values_list("action", flat=True))


def test_answer_queues_the_signers_job_in_the_same_transaction(make_petition, scoped, person, controller):
    from django_tasks_db.models import DBTaskResult

    petition = make_petition(threshold=1)
    actions.petition_start_consideration(petition=petition, by=controller)
    before = DBTaskResult.objects.count()
    actions.petition_answer(petition=petition, by=controller, decision="not_supported", text="Ні.")
    task = DBTaskResult.objects.get(task_path="hromada.apps.petitions.tasks.notify_signers_answered")
    assert task.args_kwargs["kwargs"] == {"community_id": petition.community_id, "petition_id": petition.pk}
    assert DBTaskResult.objects.count() > before


def test_period_ending_below_threshold_forwards_as_collective_appeal(make_petition, scoped, community, author):
    from hromada.apps.petitions import signals

    petition = make_petition(threshold=5)
    with time_machine.travel(petition.collection_ends_at.replace(microsecond=0), tick=False):
        assert actions.petitions_close_expired(community=community) == []  # the last second still counts
    received = []

    def appeals_module(sender, petition, **kwargs):
        received.append(petition.pk)
        return ("КЗ-2026-17", "/c/kyiv/appeals/17/")

    signals.petition_forwarded.connect(appeals_module)
    try:
        with time_machine.travel(petition.collection_ends_at.timestamp() + 1, tick=False):
            with pytest.raises(DomainError) as late:
                actions.petition_sign(petition=Petition.objects.get(pk=petition.pk), person=author)
            assert late.value.code == "collection_ended"
            assert actions.petitions_close_expired(community=community) == [petition.pk]
            assert actions.petitions_close_expired(community=community) == []  # idempotent
    finally:
        signals.petition_forwarded.disconnect(appeals_module)
    petition.refresh_from_db()
    assert petition.status == S.FORWARDED and received == [petition.pk]
    assert (petition.appeal_reference, petition.appeal_url) == ("КЗ-2026-17", "/c/kyiv/appeals/17/")
    assert Message.objects.filter(kind="petitions.forwarded", recipient=author).exists()


def test_forwarding_without_appeals_module_is_recorded(make_petition, scoped, community):
    petition = make_petition(threshold=5)
    with time_machine.travel(petition.collection_ends_at.timestamp() + 60, tick=False):
        actions.petitions_close_expired(community=community)
    petition.refresh_from_db()
    assert petition.status == S.FORWARDED and petition.appeal_reference == ""
    assert PetitionEvent.objects.get(petition=petition, kind="forward").data == {"count": 1}


def test_threshold_reached_petition_is_not_forwarded_when_period_ends(make_petition, scoped, community):
    petition = make_petition(threshold=1)
    with time_machine.travel(petition.collection_ends_at.timestamp() + 60, tick=False):
        assert actions.petitions_close_expired(community=community) == []
    assert Petition.objects.get(pk=petition.pk).status == S.THRESHOLD_REACHED


def test_overdue_consideration_is_flagged_to_controllers_once(make_petition, scoped, community, controller):
    petition = make_petition(threshold=1)
    assert petition.status == S.THRESHOLD_REACHED
    with time_machine.travel(petition.consideration_due_at.timestamp() - 60, tick=False):
        assert actions.petitions_flag_overdue(community=community) == []
    with time_machine.travel(petition.consideration_due_at.timestamp() + 60, tick=False):
        assert Petition.objects.get(pk=petition.pk).is_consideration_overdue
        assert actions.petitions_flag_overdue(community=community) == [petition.pk]
        assert actions.petitions_flag_overdue(community=community) == []
    assert Message.objects.filter(kind="petitions.overdue", recipient=controller).count() == 1


def test_tick_command_runs_deadline_jobs(make_petition, community):
    from django.core.management import call_command

    petition = make_petition(threshold=9)
    with time_machine.travel(petition.collection_ends_at.timestamp() + 60, tick=False):
        call_command("petitions_tick", "--now")
    from hromada.core import tenancy

    with tenancy.scope(community):
        assert Petition.objects.get(pk=petition.pk).status == S.FORWARDED


def test_bad_transitions_change_nothing(make_petition, scoped, moderator, controller, author):
    draft = make_petition("draft")
    with pytest.raises(DomainError) as publish_draft:
        actions.petition_moderate(petition=draft, by=moderator, publish=True)
    assert publish_draft.value.code == "bad_transition" and publish_draft.value.status_code == 409
    with pytest.raises(DomainError):
        actions.petition_start_consideration(petition=draft, by=controller)
    with pytest.raises(DomainError) as author_moderates:
        actions.petition_moderate(petition=make_petition("moderation"), by=author, publish=True)
    assert author_moderates.value.code == "forbidden"
    assert Petition.objects.get(pk=draft.pk).status == S.DRAFT
    assert kinds(draft) == ["created"]


def test_permission_is_checked_before_the_state(make_petition, scoped, moderator, controller, author):
    """Someone who may not run a transition is refused (403) whatever the petition's state, so the
    refusal tells them nothing about it; someone who may is told the state is wrong (409)."""
    draft = make_petition("draft")
    attempts = [
        (lambda: actions.petition_moderate(petition=draft, by=author, publish=True), "forbidden", 403),
        (lambda: actions.petition_start_consideration(petition=draft, by=moderator), "forbidden", 403),
        (lambda: actions.petition_archive(petition=draft, by=author), "forbidden", 403),
        (lambda: actions.petition_moderate(petition=draft, by=moderator, publish=True), "bad_transition", 409),
        (lambda: actions.petition_start_consideration(petition=draft, by=controller), "bad_transition", 409),
    ]
    for attempt, code, status in attempts:
        with pytest.raises(DomainError) as refused:
            attempt()
        assert (refused.value.code, refused.value.status_code) == (code, status)
    assert Petition.objects.get(pk=draft.pk).status == S.DRAFT
    assert kinds(draft) == ["created"]


def test_a_transition_is_its_own_transaction(make_petition, scoped, moderator):
    """An action is the outermost transaction (durable): it refuses to run inside a caller's, which
    would hold the petition's row lock, and put off what the action does on commit, until it ends."""
    from django.db import transaction

    petition = make_petition("moderation")
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        actions.petition_moderate(petition=petition, by=moderator, publish=True)
    assert Petition.objects.get(pk=petition.pk).status == S.MODERATION


def test_coauthors_required_before_submission(make_petition, scoped, community, person, author):
    petition = make_petition("draft", coauthors_required=1)
    with pytest.raises(DomainError) as missing:
        actions.petition_submit(petition=petition, by=author)
    assert missing.value.code == "guard_failed" and "1 confirmed co-authors" in str(missing.value.detail)
    friend = person(full_name="Петро Співавтор")
    actions.petition_invite_coauthor(petition=petition, by=author, email=friend.email)
    assert Message.objects.filter(kind="petitions.coauthor_invited", recipient=friend).exists()
    with pytest.raises(DomainError):
        actions.petition_submit(petition=petition, by=author)  # invited, not yet confirmed
    actions.petition_confirm_coauthor(petition=petition, person=friend)
    actions.petition_submit(petition=petition, by=author)
    assert Petition.objects.get(pk=petition.pk).status == S.MODERATION
