"""The whole register in and out: all or nothing with a report by row, CSV and JSON round trips."""

import copy
import io
import json

import pytest
from django.core.management import CommandError, call_command

from hromada.apps.services import cards, importing
from hromada.apps.services.models import LifeSituation, Office, Service, ServiceVersion
from hromada.apps.services.tests import register_data
from hromada.core import tenancy


def cards_of(community):
    with tenancy.scope(community):
        return [cards.card_of(s) for s in Service.objects.order_by("code").prefetch_related("life_situations",
                                                                                           "offices")]


def nothing_written(community):
    with tenancy.scope(community):
        return (Service.objects.count(), ServiceVersion.objects.count(), Office.objects.count(),
                LifeSituation.objects.count()) == (0, 0, 0, 0)


def test_json_import_writes_situations_offices_and_cards(community):
    result = register_data.load(community)
    assert (result.created, result.situations, result.offices) == (3, 3, 2)
    with tenancy.scope(community):
        service = Service.objects.get(code="01-residence")
        assert sorted(o.code for o in service.offices.all()) == ["cnap-centre", "cnap-north"]
        assert service.documents[1] == {"title": "Паспорт громадянина України", "requirements": "оригінал"}
        assert str(service.fee_amount) == "25.50"


def test_an_error_in_one_row_writes_nothing_and_the_report_names_each_row(community):
    doc = register_data.document()
    doc["services"][1]["term"] = {"days": "три тижні", "kind": "working"}
    doc["services"][2]["code"] = "01-residence"
    with tenancy.scope(community), pytest.raises(importing.RegisterImportError) as caught:
        importing.import_register(community, register_data.as_bytes(doc), "register.json")
    report = [(r.row, r.field) for r in caught.value.report]
    assert (2, "term") in report and (3, "code") in report
    assert "already used in row 1" in [r.message for r in caught.value.report if r.row == 3][0]
    assert nothing_written(community)


def csv_of(rows, header=importing.CSV_COLUMNS):
    out = io.StringIO()
    writer = __import__("csv").writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def test_csv_with_a_missing_column_is_refused(community):
    data = csv_of([["x1", "Назва"]], header=["code", "name"])
    with tenancy.scope(community), pytest.raises(importing.RegisterImportError) as caught:
        importing.import_register(community, data, "register.csv")
    (row,) = caught.value.report
    assert (row.row, row.field) == (1, "provider") and "column “provider” is missing" in row.message
    assert nothing_written(community)


def test_csv_rows_report_duplicate_code_malformed_term_and_bad_fee(community):
    header = ["code", "name", "provider", "term_days", "term_kind", "fee_kind", "fee_amount"]
    data = csv_of([["a1", "Перша", "Рада", "10", "working", "free", ""],
                   ["a1", "Друга", "Рада", "5", "working", "free", ""],
                   ["a3", "Третя", "Рада", "10 днів", "working", "free", ""],
                   ["a4", "Четверта", "Рада", "", "working", "fixed", "дорого"]], header=header)
    with tenancy.scope(community), pytest.raises(importing.RegisterImportError) as caught:
        importing.import_register(community, data, "register.csv")
    report = {(r.row, r.field): r.message for r in caught.value.report}
    assert "already used in row 2" in report[(3, "code")]
    assert "“10 днів” is not a number of days" in report[(4, "term")]
    assert "not an amount" in report[(5, "fee")]
    assert nothing_written(community)


def test_a_file_that_is_neither_csv_nor_json_is_refused(community):
    with tenancy.scope(community), pytest.raises(importing.RegisterImportError) as caught:
        importing.import_register(community, b"{}", "register.xlsx")
    assert "csv" in caught.value.report[0].message
    with tenancy.scope(community), pytest.raises(importing.RegisterImportError) as caught:
        importing.import_register(community, b"{not json", "register.json")
    assert "not JSON" in caught.value.report[0].message


def test_json_round_trip_gives_equal_cards(community, other_community):
    register_data.load(community)
    with tenancy.scope(community):
        exported = importing.export_json()
    with tenancy.scope(other_community):
        importing.import_register(other_community, exported, "register.json")
        again = importing.export_json()
    assert json.loads(again) == json.loads(exported)
    assert cards_of(other_community) == cards_of(community)


def test_csv_round_trip_gives_equal_cards_formula_guard_included(community, other_community):
    register_data.load(community)
    with tenancy.scope(community):
        exported = importing.export_csv()
    assert b"'=SUM(1)" in exported  # a spreadsheet will not run it
    doc = register_data.document()
    doc["services"] = []
    with tenancy.scope(other_community):
        importing.import_register(other_community, register_data.as_bytes(doc), "offices.json")
        result = importing.import_register(other_community, exported, "register.csv")
        assert result.created == 3
        assert importing.export_csv() == exported
    assert cards_of(other_community) == cards_of(community)
    assert cards_of(community)[0]["fee"]["details"] == "=SUM(1) адміністративний збір"


def test_importing_the_same_file_again_makes_no_new_versions(community):
    register_data.load(community)
    result = register_data.load(community)
    assert (result.created, result.changed, result.unchanged) == (0, 0, 3)
    with tenancy.scope(community):
        assert ServiceVersion.objects.count() == 3


def test_commands_round_trip(community, other_community, tmp_path):
    path = tmp_path / "register.json"
    path.write_bytes(register_data.as_bytes(register_data.document()))
    out = io.StringIO()
    call_command("services_import", "kyiv", str(path), stdout=out)
    assert "3 services added" in out.getvalue()
    for fmt in ("json", "csv"):
        target = tmp_path / f"export.{fmt}"
        call_command("services_export", "kyiv", "--format", fmt, "--output", str(target))
        assert target.stat().st_size > 100
    call_command("services_import", "lviv", str(tmp_path / "export.json"), stdout=io.StringIO())
    assert cards_of(other_community) == cards_of(community)
    broken = copy.deepcopy(register_data.document())
    broken["services"][0]["fee"] = {"kind": "fixed", "amount": "abc"}
    path.write_bytes(register_data.as_bytes(broken))
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("services_import", "kyiv", str(path))


def test_the_cli_knows_the_hyphenated_names():
    from hromada.cli import ALIASES

    assert ALIASES["services-import"] == "services_import"
    assert ALIASES["services-export"] == "services_export"


def test_a_card_with_an_unsound_application_form_is_refused_and_nothing_is_written(community):
    from hromada.apps.services.demo import demo_document

    document = demo_document(with_sources=False)
    card = next(c for c in document["services"] if c["form"])
    card["form"] = [*card["form"], {"name": "scan", "label": "Скан", "type": "file", "max_size_mb": "many"}]
    with tenancy.scope(community), pytest.raises(importing.RegisterImportError) as refused:
        importing.import_register(community, json.dumps(document, ensure_ascii=False).encode(), "demo.json")
    rows = [row for row in refused.value.report if row.field == "form"]
    assert rows and rows[0].code == card["code"] and "scan" in rows[0].message, refused.value.report
    with tenancy.scope(community):
        assert Service.objects.count() == 0
