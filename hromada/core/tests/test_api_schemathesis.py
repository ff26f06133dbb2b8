"""The REST API against its committed OpenAPI schema, with generated input (Schemathesis).

Every operation of docs/api/openapi.yaml is called in-process with valid and invalid generated
requests, anonymously and with a resident's and a community admin's token. The test fails on any
5xx answer, on a status the schema does not document for the operation, and on a body that does
not match the documented schema. The number of examples is bounded and the generation is
derandomized, so each run is the same and the whole file stays within a couple of minutes.
Runs on SQLite and, with DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from hromada.testing import factories

SCHEMA_FILE = Path(__file__).resolve().parents[3] / "docs" / "api" / "openapi.yaml"
EXAMPLES_PER_OPERATION = 12
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_path(SCHEMA_FILE)
OPERATIONS = [result.ok() for result in schema.get_all_operations()]


@pytest.fixture
def app():
    """The project's WSGI application (the edge, then Django), keeping the test's database connection
    open between requests as Django's test client does."""
    from hromada.config.wsgi import application

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield application
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _token(who: str, community) -> str | None:
    if who == "anonymous":
        return None
    user = (factories.make_user(community=community) if who == "resident"
            else factories.make_staff(community, "admin"))
    return Token.objects.create(user=user).key


@pytest.mark.parametrize("who", ["anonymous", "resident", "admin"])
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_every_operation_answers_as_documented(db, app, community, who, mode):
    token = _token(who, community)
    headers = {"Authorization": f"Token {token}"} if token else {}
    failures: list[str] = []
    for operation in OPERATIONS:

        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case):
            case.call_and_validate(base_url="http://testserver/c/kyiv", headers=headers, app=app, checks=CHECKS)

        try:
            run()
        except Unsatisfiable:
            continue  # an operation without parameters has no invalid request to generate
        except (Exception, BaseExceptionGroup) as error:  # report every operation that fails, not the first
            failures.append(f"{operation.label}: {type(error).__name__}: {str(error)[:1500]}")
    if failures:
        pytest.fail("\n\n".join(failures), pytrace=False)
