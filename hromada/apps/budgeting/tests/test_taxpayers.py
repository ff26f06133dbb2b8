"""Who may vote: residents, taxpayers (the community's register of taxpayers, imported from a CSV file of
tax numbers and kept only as keyed hashes), or either, online and on paper."""

import html
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hromada.apps.accounts.models import Role, tax_number_hash
from hromada.apps.budgeting import actions
from hromada.apps.budgeting.models import Ballot, Taxpayer, VoterEligibility
from hromada.apps.budgeting.tests import factories as bf
from hromada.core.api.errors import DomainError
from hromada.core.audit.models import AuditRecord

BASE = "/c/kyiv/budget"
Choice = actions.Choice
TAXPAYER = "3012345678"
NOT_IN_REGISTER = "3099999999"


@pytest.fixture
def projects(cycle):
    return [bf.make_project(cycle, title=f"Малий {i}") for i in range(2)]


@pytest.fixture
def register(community, staff, in_community):
    """The register holds TAXPAYER (and two more)."""
    actions.taxpayers_import(community=community, by=staff("admin"),
                             content=f"{TAXPAYER}\n2900000001\n2900000002\n".encode())


def _person(home, tax_number):
    person = bf.make_voter(home)
    if tax_number:
        person.tax_number_hash = tax_number_hash(tax_number)
        person.save(update_fields=["tax_number_hash"])
    return person


# (eligibility, lives here, tax number) -> may vote
CASES = [
    (VoterEligibility.RESIDENTS, True, None, True),
    (VoterEligibility.RESIDENTS, True, TAXPAYER, True),
    (VoterEligibility.RESIDENTS, False, TAXPAYER, False),
    (VoterEligibility.TAXPAYERS, False, TAXPAYER, True),
    (VoterEligibility.TAXPAYERS, True, TAXPAYER, True),
    (VoterEligibility.TAXPAYERS, True, NOT_IN_REGISTER, False),
    (VoterEligibility.TAXPAYERS, True, None, False),
    (VoterEligibility.RESIDENTS_OR_TAXPAYERS, True, None, True),
    (VoterEligibility.RESIDENTS_OR_TAXPAYERS, False, TAXPAYER, True),
    (VoterEligibility.RESIDENTS_OR_TAXPAYERS, True, NOT_IN_REGISTER, True),
    (VoterEligibility.RESIDENTS_OR_TAXPAYERS, False, NOT_IN_REGISTER, False),
    (VoterEligibility.RESIDENTS_OR_TAXPAYERS, False, None, False),
]


@pytest.mark.parametrize(("eligibility", "lives_here", "tax_number", "may_vote"), CASES)
def test_online_eligibility_combinations(at, community, other_community, cycle, projects, register,
                                         eligibility, lives_here, tax_number, may_vote):
    at("voting")
    cycle.eligibility = eligibility
    cycle.save(update_fields=["eligibility"])
    person = _person(community if lives_here else other_community, tax_number)

    if may_vote:
        actions.ballot_submit(cycle=cycle, voter=person, choices=[Choice(projects[0].pk)])
        assert Ballot.objects.filter(voter=person).exists()
    else:
        with pytest.raises(DomainError) as refused:
            actions.ballot_submit(cycle=cycle, voter=person, choices=[Choice(projects[0].pk)])
        assert refused.value.status_code == 403
        assert not Ballot.objects.exists()


@pytest.mark.parametrize(("eligibility", "tax_number", "message"), [
    (VoterEligibility.RESIDENTS, TAXPAYER, "Only residents of this community can do this."),
    (VoterEligibility.TAXPAYERS, NOT_IN_REGISTER,
     "Only taxpayers of this community vote in this cycle, and your tax number is not in the community's "
     "register of taxpayers."),
    (VoterEligibility.TAXPAYERS, None, "Taxpayers are recognised by their tax number, and your account has none"),
    (VoterEligibility.RESIDENTS_OR_TAXPAYERS, NOT_IN_REGISTER,
     "Residents and taxpayers of this community vote in this cycle."),
])
def test_the_ballot_page_says_why_someone_may_not_vote(client, at, other_community, cycle, projects, register,
                                                       eligibility, tax_number, message):
    at("voting")
    cycle.eligibility = eligibility
    cycle.save(update_fields=["eligibility"])
    client.force_login(_person(other_community, tax_number))

    page = client.get(f"{BASE}/pb2026/vote/")
    posted = client.post(f"{BASE}/pb2026/vote/", {"project": [projects[0].pk]})

    assert message in html.unescape(page.content.decode())
    assert posted.status_code == 403 and message in html.unescape(posted.content.decode())
    assert not Ballot.objects.exists()


def test_residents_only_cycles_do_not_read_the_register(at, community, cycle, projects, register,
                                                        django_assert_num_queries):
    """The default needs no look-up in the register: the ballot checks cost what they cost before."""
    from hromada.apps.budgeting import rules

    at("voting")
    person = _person(community, TAXPAYER)
    rules.refusal("budgeting.vote", person, cycle)  # warm the per-request caches (roles, phases)
    with django_assert_num_queries(0):
        assert rules.refusal("budgeting.vote", person, cycle) is None


def _paper(cycle, operator, choices, **overrides):
    data = {"tax_number": TAXPAYER, "birth_date": date(1980, 1, 2), "resident_confirmed": False}
    data.update(overrides)
    return actions.paper_ballot_enter(cycle=cycle, operator=operator, choices=choices, **data)


@pytest.mark.parametrize(("eligibility", "resident_confirmed", "tax_number", "error"), [
    (VoterEligibility.RESIDENTS, False, TAXPAYER, "not_resident"),
    (VoterEligibility.RESIDENTS, True, NOT_IN_REGISTER, None),
    (VoterEligibility.TAXPAYERS, False, TAXPAYER, None),
    (VoterEligibility.TAXPAYERS, True, NOT_IN_REGISTER, "not_taxpayer"),
    (VoterEligibility.RESIDENTS_OR_TAXPAYERS, False, TAXPAYER, None),
    (VoterEligibility.RESIDENTS_OR_TAXPAYERS, True, NOT_IN_REGISTER, None),
    (VoterEligibility.RESIDENTS_OR_TAXPAYERS, False, NOT_IN_REGISTER, "not_eligible"),
])
def test_paper_ballot_eligibility_combinations(at, staff, cycle, projects, register, eligibility,
                                               resident_confirmed, tax_number, error):
    at("voting")
    cycle.eligibility = eligibility
    cycle.save(update_fields=["eligibility"])
    operator = staff("operator")
    if error is None:
        ballot = _paper(cycle, operator, [Choice(projects[0].pk)], resident_confirmed=resident_confirmed,
                        tax_number=tax_number)
        assert ballot.person_hash == tax_number_hash(tax_number)
    else:
        with pytest.raises(DomainError) as refused:
            _paper(cycle, operator, [Choice(projects[0].pk)], resident_confirmed=resident_confirmed,
                   tax_number=tax_number)
        assert refused.value.code == error
        assert not Ballot.objects.exists()


# --- the register -------------------------------------------------------------------------------

def test_admin_imports_the_register_and_only_hashes_are_kept(client, at, community, staff, in_community):
    admin = staff("admin")
    client.force_login(admin)
    upload = SimpleUploadedFile("taxpayers.csv", "\ufeffРНОКПП;ПІБ\r\n3012345678;Іваненко\r\n\r\n"
                                "2900000001;Петренко\r\n3012345678;Іваненко\r\n".encode())

    response = client.post(f"{BASE}/office/taxpayers/", {"file": upload}, follow=True)

    page = response.content.decode()
    assert "The register of taxpayers is replaced: 2 taxpayers (3 lines with a tax number)." in page
    assert "The register holds 2 taxpayers." in page
    stored = set(Taxpayer.objects.values_list("tax_number_hash", flat=True))
    assert stored == {tax_number_hash("3012345678"), tax_number_hash("2900000001")}
    for row in Taxpayer.objects.values():
        assert "3012345678" not in str(row) and "Іваненко" not in str(row)
    record = AuditRecord.objects.get(action="budgeting.import_taxpayers")
    assert record.actor == admin and record.data == {"rows": 3, "taxpayers": 2, "replaced": 0}
    assert "3012345678" not in str(record.data)


def test_an_import_replaces_the_register(community, staff, register, in_community):
    result = actions.taxpayers_import(community=community, by=staff("admin"), content=b"2800000000\n")
    assert (result.taxpayers, result.replaced) == (1, 3)
    assert list(Taxpayer.objects.values_list("tax_number_hash", flat=True)) == [tax_number_hash("2800000000")]


@pytest.mark.parametrize(("content", "message"), [
    (b"3012345678\n12345\n", "Nothing was imported: line 2: “12345” is not a tax number of 10 digits."),
    (b"3012345678\n30123456789\n", "line 2: “30123456789” is not a tax number of 10 digits"),
    (b"3012345678\n30-1234567\n", "line 2: “30-1234567” is not a tax number of 10 digits"),
    (b"tax_number\n3012345678\nabcdefghij\n", "line 3: “abcdefghij” is not a tax number of 10 digits"),
    ("3012345678\n３０１２３４５６７８\n".encode(), "line 2: “３０１２３４５６７８” is not a tax number"),
    (b"3012345678\n;Ivanenko\n", "line 2: the first column is empty"),
    (b"1\n2\n3\n4\n5\n6\n7\n", "line 5: “5” is not a tax number of 10 digits; and 2 more."),
    (b"", "Nothing was imported: the file has no tax numbers."),
    (b"tax_number\n\n", "Nothing was imported: the file has no tax numbers."),
    ("3012345678\n".encode("utf-16"), "The file is not text in UTF-8; save it as CSV (UTF-8)."),
])
def test_a_bad_file_imports_nothing_and_says_which_line(community, staff, register, in_community, content, message):
    before = set(Taxpayer.objects.values_list("tax_number_hash", flat=True))
    with pytest.raises(DomainError) as refused:
        actions.taxpayers_import(community=community, by=staff("admin"), content=content)
    assert message in str(refused.value.detail)
    assert set(Taxpayer.objects.values_list("tax_number_hash", flat=True)) == before
    assert AuditRecord.objects.filter(action="budgeting.import_taxpayers").count() == 1  # the fixture's


def test_a_bad_file_on_the_page_is_a_clear_error(client, staff, register, in_community):
    client.force_login(staff("admin"))
    upload = SimpleUploadedFile("taxpayers.csv", b"3012345678\n301234567\n")

    response = client.post(f"{BASE}/office/taxpayers/", {"file": upload})

    assert response.status_code == 400
    assert "line 2: “301234567” is not a tax number of 10 digits" in response.content.decode()
    assert Taxpayer.objects.count() == 3


@pytest.mark.parametrize("role", ["operator", "moderator", "executor"])
def test_only_admins_import_the_register(client, staff, role, in_community):
    client.force_login(staff(role))
    upload = SimpleUploadedFile("taxpayers.csv", b"3012345678\n")
    response = client.post(f"{BASE}/office/taxpayers/", {"file": upload})
    assert response.status_code == 403
    assert "Only community admins import the register of taxpayers." in response.content.decode()
    assert not Taxpayer.objects.exists()


def test_registers_belong_to_their_community(at, community, other_community, staff, cycle, projects, register):
    """The same tax number in another community's register does not make someone a taxpayer here."""
    from hromada.core import tenancy
    from hromada.testing import factories

    at("voting")
    cycle.eligibility = VoterEligibility.TAXPAYERS
    cycle.save(update_fields=["eligibility"])
    with tenancy.scope(other_community):
        actions.taxpayers_import(community=other_community, by=factories.make_staff(other_community, Role.ADMIN),
                                 content=b"2700000000\n")
    person = _person(community, "2700000000")
    with pytest.raises(DomainError, match="not in the community's register of taxpayers"):
        actions.ballot_submit(cycle=cycle, voter=person, choices=[Choice(projects[0].pk)])
