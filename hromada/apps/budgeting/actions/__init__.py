"""Every write of the participatory budget: one function per operation, `<entity>_<verb>`, in a
module per concern:

- ``cycles``: a cycle with its phases, its categories;
- ``projects``: the authors' drafts, submission, withdrawal, revision and appeal;
- ``review``: moderation, the department's review, appeals decided, the ballot prepared;
- ``comments``: comments and their moderation;
- ``ballots``: online ballots (who may vote is ``budgeting.eligibility``);
- ``paper``: paper and CNAP-desk ballots entered by operators;
- ``taxpayers``: the register of taxpayers;
- ``implementation``: the winners' implementation, progress and milestones.

Each checks the permission (``rules.py``; who and in which phase), validates the input, and makes
the change in one transaction, writing the project's timeline event through ``workflow.apply``
(the case core's ``apply_transition``) and an audit record for staff acts. Bad input raises
``DomainError`` (a code, a field and a message in the person's language) and changes nothing.
An action a view calls directly opens the outermost transaction (``atomic(durable=True)``), so
it is never run half inside a caller's transaction that could still roll it back.

``from hromada.apps.budgeting import actions; actions.ballot_submit(...)`` keeps working: the
public names of every module are here.
"""

from hromada.apps.budgeting.actions.ballots import (
    BallotLine,
    BallotOutcome,
    Choice,
    ballot_pseudonyms_renew,
    ballot_submit,
    parse_choices,
    validate_ballot,
    write_choices,
)
from hromada.apps.budgeting.actions.comments import comment_add, comment_moderate
from hromada.apps.budgeting.actions.cycles import (
    RESERVED_SLUGS,
    category_create,
    cycle_create,
    cycle_set_phases,
    dated_in_order,
)
from hromada.apps.budgeting.actions.implementation import (
    cycle_start_implementation,
    implementation_start,
    implementation_update,
    milestone_add,
    milestone_reach,
)
from hromada.apps.budgeting.actions.paper import paper_ballot_enter
from hromada.apps.budgeting.actions.projects import (
    MAX_COST_ITEMS,
    MAX_PHOTO_BYTES,
    MAX_PHOTOS,
    MAX_PROJECT_COST,
    PHOTO_FORMATS,
    CostLine,
    ProjectInput,
    parse_cost_items,
    project_appeal,
    project_create,
    project_revise,
    project_submit,
    project_update,
    project_withdraw,
    validate_photo,
)
from hromada.apps.budgeting.actions.review import (
    CONCLUSION_TRANSITIONS,
    MODERATION,
    appeal_decide,
    cycle_prepare_ballot,
    project_moderate,
    project_review,
    project_send_to_review,
)
from hromada.apps.budgeting.actions.taxpayers import (
    MAX_LISTED_ERRORS,
    MAX_TAXPAYER_FILE_BYTES,
    TaxpayerImport,
    taxpayers_import,
)

__all__ = [
    "RESERVED_SLUGS",
    "cycle_create",
    "dated_in_order",
    "cycle_set_phases",
    "category_create",
    "MAX_PHOTOS",
    "MAX_PHOTO_BYTES",
    "PHOTO_FORMATS",
    "MAX_COST_ITEMS",
    "MAX_PROJECT_COST",
    "CostLine",
    "parse_cost_items",
    "validate_photo",
    "ProjectInput",
    "project_create",
    "project_update",
    "project_submit",
    "project_withdraw",
    "project_revise",
    "project_appeal",
    "MODERATION",
    "project_moderate",
    "project_send_to_review",
    "CONCLUSION_TRANSITIONS",
    "project_review",
    "appeal_decide",
    "cycle_prepare_ballot",
    "comment_add",
    "comment_moderate",
    "Choice",
    "BallotLine",
    "parse_choices",
    "validate_ballot",
    "write_choices",
    "BallotOutcome",
    "ballot_submit",
    "ballot_pseudonyms_renew",
    "paper_ballot_enter",
    "MAX_TAXPAYER_FILE_BYTES",
    "MAX_LISTED_ERRORS",
    "TaxpayerImport",
    "taxpayers_import",
    "implementation_start",
    "cycle_start_implementation",
    "implementation_update",
    "milestone_add",
    "milestone_reach",
]
