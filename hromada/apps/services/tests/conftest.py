"""Fixtures of the services tests: the applications' (fixtures_apply) and the casework world."""

import pytest

from hromada.apps.accounts.models import IdentityLevel
from hromada.apps.services.tests import factories_casework as cw
from hromada.apps.services.tests.fixtures_apply import answers, apply_office, birth_service  # noqa: F401
from hromada.core import tenancy
from hromada.testing import factories


class CaseWorld:
    pass


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The worlds make many accounts; the tests sign in with force_login, never with the password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def casework(community, other_community, staff):
    """A community with two offices, two departments, a service each, and one person of every role."""
    w = CaseWorld()
    w.community = community
    w.land = factories.make_department(community, name_uk="Земельний відділ", code="LAND")
    w.social = factories.make_department(community, name_uk="Соцзахист", code="SOCIAL")
    w.centre = cw.make_office(community, code="centre", name_uk="ЦНАП Центр")
    w.north = cw.make_office(community, code="north", name_uk="ЦНАП Північ")
    w.service = cw.make_service(community, code="land-plot", name_uk="Витяг про земельну ділянку",
                                department=w.land, offices=(w.centre, w.north))
    w.aid = cw.make_service(community, code="aid", name_uk="Допомога при народженні дитини", department=w.social,
                            offices=(w.centre,), term_days=5)
    w.applicant = factories.make_user(community=community, level=IdentityLevel.EMAIL, phone="+380501112233")
    w.resident = factories.make_user(community=community, level=IdentityLevel.EMAIL)
    w.operator = staff("operator")
    w.executor = staff("executor", department=w.land)
    w.other_executor = staff("executor", department=w.social)
    w.controller = staff("controller")
    w.admin = staff("admin")
    w.stranger_operator = factories.make_staff(other_community, "operator")
    return w


@pytest.fixture
def scoped_casework(casework):
    with tenancy.scope(casework.community):
        yield casework
