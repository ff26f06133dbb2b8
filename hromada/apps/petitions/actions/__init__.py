"""Every write to petitions: one function per transition or operation, in a module per concern.

- `authoring`: the draft, its co-authors, the submission;
- `moderation`: publication or rejection;
- `signing`: who may sign, signing online and in person, withdrawing, the count and the threshold;
- `antifraud`: signatures invalidated in batches;
- `answer`: consideration, the official response, the archive;
- `deadlines`: the jobs for ended collection periods and overdue consideration;
- `policy`: the community's petition rules and categories.

Each action runs in one transaction (the outermost one: `durable=True`, except the signing steps,
which also run inside their callers' transactions), changes the status only through the table in
`workflow.py` (`hromada.core.cases.apply_transition`, which writes the `PetitionEvent`), records
staff acts in the audit log and queues notifications in the same transaction. Errors are
`DomainError`s with a stable code and a message in the active language; nothing changes.

Callers import the package: `from hromada.apps.petitions import actions; actions.petition_sign(...)`.
"""

from hromada.apps.petitions.actions.answer import (
    MAX_DOCUMENT_BYTES,
    MAX_DOCUMENTS,
    notify_signers,
    petition_answer,
    petition_archive,
    petition_start_consideration,
)
from hromada.apps.petitions.actions.antifraud import signatures_invalidate_batch
from hromada.apps.petitions.actions.authoring import (
    petition_confirm_coauthor,
    petition_create,
    petition_invite_coauthor,
    petition_submit,
    petition_update,
)
from hromada.apps.petitions.actions.common import petition_link
from hromada.apps.petitions.actions.deadlines import forward_to_appeals, petitions_close_expired, petitions_flag_overdue
from hromada.apps.petitions.actions.moderation import petition_moderate
from hromada.apps.petitions.actions.policy import category_create, policy_update
from hromada.apps.petitions.actions.signing import (
    petition_sign,
    petition_sign_in_person,
    petition_withdraw_signature,
)

__all__ = [
    "MAX_DOCUMENTS",
    "MAX_DOCUMENT_BYTES",
    "category_create",
    "forward_to_appeals",
    "notify_signers",
    "petition_answer",
    "petition_archive",
    "petition_confirm_coauthor",
    "petition_create",
    "petition_invite_coauthor",
    "petition_link",
    "petition_moderate",
    "petition_sign",
    "petition_sign_in_person",
    "petition_start_consideration",
    "petition_submit",
    "petition_update",
    "petition_withdraw_signature",
    "petitions_close_expired",
    "petitions_flag_overdue",
    "policy_update",
    "signatures_invalidate_batch",
]
