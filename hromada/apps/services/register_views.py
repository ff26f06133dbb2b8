"""The back office of the register: community admins keep the cards, import and export the register.

Every page needs `services.manage_register` on the community. A card's form has the register's CSV
columns (importing.py): lists one item per line, documents "title — requirements" per line; saving a
changed card publishes its next version, and cases already opened keep theirs.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hromada.apps.services import cards, importing, register, search
from hromada.apps.services.models import (
    ApplyMethod,
    Audience,
    FeeKind,
    IdentityLevel,
    LifeSituation,
    Office,
    Service,
    ServiceStatus,
    TermKind,
)
from hromada.core import exports
from hromada.core.http import HromadaRequest
from hromada.core.permissions import permission_required

PAGE_SIZE = 50
LINES_HINT = gettext_lazy("One item per line.")


def _area(label: Any, hint: Any = LINES_HINT, rows: int = 4) -> forms.CharField:
    return forms.CharField(label=label, required=False, help_text=hint, widget=forms.Textarea(attrs={"rows": rows}))


class CardForm(forms.Form):
    """A card as the register's CSV row: the same columns, the same rules (`register.check_card`)."""

    code = forms.CharField(label=gettext_lazy("Code"), max_length=40,
                           help_text=gettext_lazy("Unique in the community: Latin letters, digits, dots, hyphens."))
    national_code = forms.CharField(label=gettext_lazy("Code in the national register"), max_length=40,
                                    required=False)
    name = forms.CharField(label=gettext_lazy("Name (Ukrainian)"), max_length=500)
    name_en = forms.CharField(label=gettext_lazy("Name (English)"), max_length=500, required=False)
    provider = forms.CharField(label=gettext_lazy("Subject that provides the service"), max_length=500)
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=ServiceStatus.choices)
    audience = forms.MultipleChoiceField(label=gettext_lazy("For whom"), choices=Audience.choices,
                                         widget=forms.CheckboxSelectMultiple)
    life_situations = forms.MultipleChoiceField(label=gettext_lazy("Life situations"), required=False,
                                                widget=forms.CheckboxSelectMultiple)
    offices = forms.MultipleChoiceField(label=gettext_lazy("Offices where it is given"), required=False,
                                        widget=forms.CheckboxSelectMultiple)
    keywords = _area(gettext_lazy("Keywords for search"))
    legal_basis = _area(gettext_lazy("Legal basis"), gettext_lazy("One act (with its articles) per line."))
    documents = _area(gettext_lazy("Documents"), gettext_lazy("One document per line, in order: "
                                                              "“title — requirements”."), rows=6)
    apply_methods = forms.MultipleChoiceField(label=gettext_lazy("Ways to apply"), choices=ApplyMethod.choices,
                                              required=False, widget=forms.CheckboxSelectMultiple)
    fee_kind = forms.ChoiceField(label=gettext_lazy("Fee"), choices=FeeKind.choices)
    fee_amount = forms.CharField(label=gettext_lazy("Fee, UAH"), required=False, max_length=20,
                                 help_text=gettext_lazy("For a fixed fee, for example 85.00."))
    fee_details = _area(gettext_lazy("Fee: basis and payment details"), "")
    term_days = forms.CharField(label=gettext_lazy("Term, days"), required=False, max_length=10,
                                help_text=gettext_lazy("A number from 0 to 365; empty when not set."))
    term_kind = forms.ChoiceField(label=gettext_lazy("Term counted in"), choices=TermKind.choices)
    term_text = forms.CharField(label=gettext_lazy("Term as written"), required=False, max_length=500)
    result = _area(gettext_lazy("Result"), "")
    delivery = _area(gettext_lazy("How the result is delivered"), "")
    refusal_grounds = _area(gettext_lazy("Grounds for refusal"))
    appeal_procedure = _area(gettext_lazy("How to appeal a decision"), "")
    identity_level = forms.ChoiceField(label=gettext_lazy("Identity needed to apply online"),
                                       choices=IdentityLevel.choices)
    form = forms.CharField(label=gettext_lazy("Online application form (JSON)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=gettext_lazy("The fields of the online application; empty: no online form."))

    def __init__(self, *args: Any, service: Service | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.service = service
        self.card: dict[str, Any] | None = None
        situations, offices = self.fields["life_situations"], self.fields["offices"]
        assert isinstance(situations, forms.ChoiceField) and isinstance(offices, forms.ChoiceField)
        situations.choices = [(s.code, s.name) for s in LifeSituation.objects.all()]
        offices.choices = [(o.code, o.name) for o in Office.objects.all()]
        if service is not None:
            self.fields["code"].disabled = True

    @classmethod
    def initial_of(cls, service: Service) -> dict[str, Any]:
        card = cards.card_of(service)
        initial = dict(zip(importing.CSV_COLUMNS, importing.csv_row(card), strict=True))
        for key in ("audience", "life_situations", "offices", "apply_methods"):
            initial[key] = card[key]
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        row = {key: data.get(key) or "" for key in importing.CSV_COLUMNS}
        for key in ("audience", "life_situations", "offices", "apply_methods"):
            row[key] = "\n".join(data.get(key) or [])
        raw = importing.card_from_csv_row(row)
        card, errors = register.check_card(raw)
        errors += register.check_references(
            card, situations=set(LifeSituation.objects.values_list("code", flat=True)),
            offices=set(Office.objects.values_list("code", flat=True)))
        if self.service is None and Service.objects.filter(code=card["code"]).exists():
            errors.append(register.CardError("code", _("A service with this code already exists.")))
        for error in errors:
            name = {"fee": "fee_amount", "term": "term_days"}.get(error.field, error.field)
            self.add_error(name if name in self.fields else None, error.message)
        self.card = card
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Register file"),
                           help_text=gettext_lazy("A .csv or .json file of the register (docs/services.md), up to "
                                                  "20 MB. Nothing is written unless the whole file is correct."))


@permission_required("services.manage_register")
def register_list(request: HromadaRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    qs = Service.objects.only("code", "name_uk", "name_en", "status", "version", "updated_at")
    qs = search.search(query, qs) if query else qs.order_by("name_uk", "pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "services/register/office_list.html", {"page": page, "query": query})


def _save(request: HromadaRequest, form: CardForm) -> HttpResponse | None:
    if not form.is_valid() or form.card is None:
        return None
    with transaction.atomic():
        service, written = register.apply_card(request.community, form.card, by=request.user, service=form.service)
    if written:
        messages.success(request, _("The card of “%(name)s” is saved as version %(version)s.")
                         % {"name": service.name, "version": service.version})
    else:
        messages.info(request, _("Nothing changed in the card of “%(name)s”.") % {"name": service.name})
    return redirect("services:register")


@permission_required("services.manage_register")
def card_create(request: HromadaRequest) -> HttpResponse:
    form = CardForm(request.POST or None, initial={"status": ServiceStatus.ACTIVE, "audience": [Audience.PERSON],
                                                   "apply_methods": [ApplyMethod.IN_PERSON]})
    if request.method == "POST" and (done := _save(request, form)) is not None:
        return done
    return render(request, "services/register/office_card.html", {"form": form, "service": None},
                  status=400 if form.errors else 200)


@permission_required("services.manage_register")
def card_edit(request: HromadaRequest, code: str) -> HttpResponse:
    service = get_object_or_404(Service.objects.prefetch_related("life_situations", "offices"), code=code[:40])
    form = CardForm(request.POST or None, service=service, initial=CardForm.initial_of(service))
    if request.method == "POST" and (done := _save(request, form)) is not None:
        return done
    versions = service.versions.only("number", "created_at", "created_by_id")[:20]
    return render(request, "services/register/office_card.html", {"form": form, "service": service,
                                                                  "versions": versions},
                  status=400 if form.errors else 200)


@permission_required("services.manage_register")
def register_import(request: HromadaRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    report: list[importing.ReportRow] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > importing.MAX_BYTES:
            report = [importing.ReportRow(0, "", "file", _("The file is larger than %(mb)s MB.")
                                          % {"mb": importing.MAX_BYTES >> 20})]
        else:
            try:
                result = importing.import_register(request.community, upload.read(), upload.name or "",
                                                   by=request.user)
            except importing.RegisterImportError as error:
                report = error.report
            else:
                messages.success(request, _("Imported: %(created)s services added, %(changed)s changed, "
                                            "%(unchanged)s unchanged.")
                                 % {"created": result.created, "changed": result.changed,
                                    "unchanged": result.unchanged})
                return redirect("services:register")
    return render(request, "services/register/office_import.html", {"form": form, "report": report},
                  status=400 if (report or form.errors) else 200)


@permission_required("services.manage_register")
def register_export(request: HromadaRequest, fmt: str) -> HttpResponseBase:
    slug = request.community.slug
    if fmt == "csv":
        return exports.csv_response(importing.CSV_COLUMNS, importing.csv_rows(), filename=f"services-{slug}.csv")
    if fmt == "json":
        response = HttpResponse(importing.export_json(), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="services-{slug}.json"'
        return response
    raise Http404
