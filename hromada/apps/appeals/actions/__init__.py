"""Every write to appeals: one function per transition or operation, by concern.

- `intake`: registering an appeal from any channel; the resident an operator serves.
- `processing`: triage, work, the answer, the author's rating and reopening.
- `paper`: scanned letters of the processing centre, their recognition and registration.
- `configuration`: categories, routing rules and Open311 clients (community admin).
- `terms` and `routing`: the terms and numbers, the districts and the routing rules they use.

Each action runs in one transaction, the outermost (durable), checks the permission, then the state,
then the transition's guard (the case core's one order), writes an `AppealEvent` (who, in which role,
when, from, to, why), records staff acts in the audit log and queues notifications in the same
transaction. Errors are `DomainError`s with a stable code and a message in the active language; all
input is checked before the first write, so a refused call changes nothing.

`from hromada.apps.appeals import actions; actions.appeal_take(...)` is how callers use them.
"""

from hromada.apps.appeals.actions.common import appeal_link, role_of
from hromada.apps.appeals.actions.configuration import (
    CATEGORY_FIELDS,
    category_save,
    open311_key_issue,
    routing_rule_delete,
    routing_rule_save,
)
from hromada.apps.appeals.actions.intake import Author, appeal_register, resident_find_or_create
from hromada.apps.appeals.actions.paper import (
    OCR_TOO_LONG,
    OCR_UNREADABLE,
    paper_register,
    paper_scan_recognise,
    paper_scan_upload,
)
from hromada.apps.appeals.actions.processing import (
    MAX_ATTACHMENT_BYTES,
    appeal_add_details,
    appeal_answer,
    appeal_attach,
    appeal_close,
    appeal_extend,
    appeal_forward,
    appeal_mark_duplicate,
    appeal_not_consider,
    appeal_rate,
    appeal_reopen,
    appeal_request_details,
    appeal_return,
    appeal_route,
    appeal_take,
)
from hromada.apps.appeals.actions.routing import ROUTING_CACHE_SECONDS, ROUTING_KEY, find_department_id, locate
from hromada.apps.appeals.actions.terms import (
    allocate_number,
    compute_due_date,
    max_due_date,
    number_prefix,
    term_days,
)
from hromada.core.keys import hash_key  # the Open311 views find a client's key by it

__all__ = [
    "CATEGORY_FIELDS", "MAX_ATTACHMENT_BYTES", "OCR_TOO_LONG", "OCR_UNREADABLE", "ROUTING_CACHE_SECONDS",
    "ROUTING_KEY", "Author", "allocate_number", "appeal_add_details", "appeal_answer", "appeal_attach",
    "appeal_close", "appeal_extend", "appeal_forward", "appeal_link", "appeal_mark_duplicate",
    "appeal_not_consider", "appeal_rate", "appeal_register", "appeal_reopen", "appeal_request_details",
    "appeal_return", "appeal_route", "appeal_take", "category_save", "compute_due_date", "find_department_id",
    "hash_key", "locate", "max_due_date", "number_prefix", "open311_key_issue", "paper_register",
    "paper_scan_recognise", "paper_scan_upload", "resident_find_or_create", "role_of", "routing_rule_delete",
    "routing_rule_save", "term_days",
]
