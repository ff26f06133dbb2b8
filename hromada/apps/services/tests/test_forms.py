"""The form as data: its definition checked, and the runtime form's types, conditions and person fields."""

from __future__ import annotations

import pytest

from hromada.apps.services.forms import ApplicationForm, validate_form_definition
from hromada.apps.services.tests.fixtures_apply import BIRTH_FORM, pdf_upload
from hromada.core import tenancy
from hromada.testing import factories


def test_the_example_definition_is_sound():
    assert validate_form_definition(BIRTH_FORM) == []
    assert validate_form_definition([]) == []


@pytest.mark.parametrize(("definition", "words"), [
    ("fields", "must be a list of fields"),
    ([{"name": "Bad Name", "label": "x", "type": "text"}], "the name must be up to 40 small Latin letters"),
    ([{"name": "a", "label": "x", "type": "text"}, {"name": "a", "label": "y", "type": "text"}], "used twice"),
    ([{"name": "a", "label": "x", "type": "colour"}], "the type must be one of"),
    ([{"name": "a", "type": "text"}], "a label is required"),
    ([{"name": "a", "label": "x", "type": "choice"}], "a choice needs a list of choices"),
    ([{"name": "a", "label": "x", "type": "choice", "choices": ["b", "b"]}], "two choices have the same value"),
    ([{"name": "a", "label": "x", "type": "file", "allowed_types": ["exe"]}], "“allowed_types” must list"),
    ([{"name": "a", "label": "x", "type": "file", "max_size_mb": 500}], "“max_size_mb” must be a number"),
    ([{"name": "a", "label": "x", "type": "number", "min": 5, "max": 1}], "“min” is greater than “max”"),
    ([{"name": "a", "label": "x", "type": "text", "show_if": {"field": "b", "equals": "1"}}],
     "must name a field above this one"),
    ([{"name": "a", "label": "x", "type": "text", "colour": "red"}], "unknown keys colour"),
    ([{"name": "a", "label": "x", "type": "person", "source": "passport"}], "“source” must be one of"),
])
def test_a_broken_definition_is_refused_with_the_field_named(definition, words):
    errors = validate_form_definition(definition)
    assert errors and any(words in e for e in errors), errors


def _form(community, data, files=None, user=None, definition=BIRTH_FORM):
    with tenancy.scope(community):
        form = ApplicationForm(definition, data=data, files=files or {}, user=user)
        form.is_valid()
        return form


def test_typed_fields_refuse_what_they_cannot_read(community):
    form = _form(community, {"applicant": "A", "child_name": "B", "born_on": "not a date", "children": "11",
                             "delivery": "drone"}, {"certificate": pdf_upload()})
    assert set(form.errors) == {"born_on", "children", "delivery"}
    assert "Ensure this value is less than or equal to 10." in form.errors["children"][0]


def test_a_hidden_field_is_neither_required_nor_kept(community, answers):
    form = _form(community, {**answers, "post_address": "somewhere"}, {"certificate": pdf_upload()})
    assert form.is_valid(), form.errors
    assert "post_address" not in form.answers()


def test_a_shown_conditional_field_is_required(community, answers):
    form = _form(community, {**answers, "delivery": "post"}, {"certificate": pdf_upload()})
    assert form.errors["post_address"] == ["“Postal address” is required."]


def test_an_address_must_be_in_the_register_when_the_community_has_one(community, answers):
    from hromada.apps.communities.models import Address

    with tenancy.scope(community):
        Address.objects.create(community=community, street="вулиця Соборна", house="12а", latitude=49.8,
                               longitude=30.1, street_type="вул", street_key="соборна", house_key="12а")
    unknown = _form(community, {**answers, "delivery": "post", "post_address": "вул. Неіснуюча, 1"},
                    {"certificate": pdf_upload()})
    assert "is not in the community's address register" in unknown.errors["post_address"][0]
    found = _form(community, {**answers, "delivery": "post", "post_address": "Соборна вулиця 12 А"},
                  {"certificate": pdf_upload()})
    assert found.is_valid(), found.errors
    assert found.answers()["post_address"] == "вулиця Соборна, 12а"


def test_person_field_is_prefilled_and_fixed_for_a_verified_account(community, answers):
    verified = factories.make_user(community=community, level=30, full_name="Ірина Коваль")
    plain = factories.make_user(community=community, level=10, full_name="Петро Сидор")
    with tenancy.scope(community):
        assert ApplicationForm(BIRTH_FORM, user=verified).fields["applicant"].disabled
        unbound = ApplicationForm(BIRTH_FORM, user=plain)
        assert not unbound.fields["applicant"].disabled
        assert unbound.fields["applicant"].initial == "Петро Сидор"
    form = _form(community, {**answers, "applicant": "Хтось"}, {"certificate": pdf_upload()}, user=verified)
    assert form.answers()["applicant"] == "Ірина Коваль"
    own = _form(community, {**answers, "applicant": "Петро С."}, {"certificate": pdf_upload()}, user=plain)
    assert own.answers()["applicant"] == "Петро С."


def test_answers_are_stored_as_json(community, answers):
    form = _form(community, {**answers, "children": "2.50"}, {"certificate": pdf_upload()})
    assert form.answers()["children"] == "2.5" and form.answers()["born_on"] == "2026-11-20"
