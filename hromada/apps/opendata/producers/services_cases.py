"""Administrative services' cases, de-identified: counts per service and month, processing times and ratings.

Only aggregates leave the database: never a case number, a name, a contact, the application's data or a
rating's comment (`hromada/apps/services/statistics.py` computes them)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.apps import apps

from hromada.apps.opendata.models import Format, Frequency
from hromada.apps.opendata.producers._guard import has_fields
from hromada.apps.opendata.registry import Column, register_dataset

READY = apps.is_installed("hromada.apps.services") and has_fields(
    "services", "ServiceCase", "service", "status", "submitted_at", "decided_at", "due_at", "refusal_ground",
    "rating")


def _cases() -> Any:
    from hromada.apps.services.models import ServiceCase

    return ServiceCase.objects.all()


def produce_monthly(community: Any) -> Iterator[tuple]:
    from hromada.apps.services.statistics import monthly_counts

    for row in monthly_counts(_cases()):
        yield (row["month"].strftime("%Y-%m"), row["service"], row["service_name"], row["submitted"],
               row["decided"], row["granted"], row["refused"], row["in_term"])


def produce_times(community: Any) -> Iterator[tuple]:
    from hromada.apps.services.statistics import monthly_counts

    for row in monthly_counts(_cases()):
        if row["decided"]:
            yield (row["month"].strftime("%Y-%m"), row["service"], row["service_name"], row["decided"],
                   row["avg_days"], row["in_term_share"])


def produce_ratings(community: Any) -> Iterator[tuple]:
    from hromada.apps.services.statistics import per_service

    for figures in sorted(per_service(_cases()), key=lambda f: f.code):
        if figures.ratings:
            yield (figures.code, figures.name, figures.ratings, figures.rating, *figures.stars)


MONTHLY = [
    Column("month", "Місяць подання", "Month submitted"),
    Column("service_code", "Код послуги", "Service code"),
    Column("service", "Послуга", "Service"),
    Column("submitted", "Подано заяв", "Applications", "integer"),
    Column("decided", "Прийнято рішень", "Decided", "integer"),
    Column("granted", "Надано", "Granted", "integer"),
    Column("refused", "Відмовлено", "Refused", "integer"),
    Column("decided_in_term", "Вирішено в строк", "Decided in term", "integer"),
]
TIMES = [
    Column("month", "Місяць подання", "Month submitted"),
    Column("service_code", "Код послуги", "Service code"),
    Column("service", "Послуга", "Service"),
    Column("decided", "Прийнято рішень", "Decided", "integer"),
    Column("average_days", "Середній строк розгляду, днів", "Average days to a decision", "number"),
    Column("in_term_percent", "Частка вирішених у строк, %", "Decided in term, %", "number"),
]
RATINGS = [
    Column("service_code", "Код послуги", "Service code"),
    Column("service", "Послуга", "Service"),
    Column("ratings", "Кількість оцінок", "Ratings", "integer"),
    Column("average", "Середня оцінка", "Average rating", "number"),
    *(Column(f"stars_{n}", f"Оцінок «{n}»", f"Ratings of {n}", "integer") for n in range(1, 6)),
]

if READY:
    common: dict[str, Any] = {"frequency": Frequency.DAILY, "formats": (Format.CSV, Format.JSON, Format.XLSX),
                              "themes": ("GOVE",), "legal_basis": "Закон України «Про адміністративні послуги»; "
                                                                  "постанова КМУ № 835"}
    register_dataset(
        "services-cases-monthly", identifier="8.2",
        title_uk="Адміністративні послуги: заяви за місяцями", title_en="Administrative services: applications "
                                                                         "per month",
        description_uk="Кількість поданих заяв, рішень (надано, відмовлено) і вирішених у строк за кожною послугою "
                       "і місяцем подання, без персональних даних.",
        description_en="Applications submitted, decided (granted, refused) and decided in term per service and "
                       "month, without personal data.",
        producer=produce_monthly, columns=MONTHLY, keywords=("адміністративні послуги", "ЦНАП"), **common)
    register_dataset(
        "services-processing-times", identifier="8.3",
        title_uk="Адміністративні послуги: строки розгляду", title_en="Administrative services: processing times",
        description_uk="Середній строк від подання заяви до рішення і частка вирішених у строк за послугою і "
                       "місяцем, без персональних даних.",
        description_en="The average time from the application to the decision and the share decided in term "
                       "per service and month, without personal data.",
        producer=produce_times, columns=TIMES, keywords=("адміністративні послуги", "строки"), **common)
    register_dataset(
        "services-ratings", identifier="8.4",
        title_uk="Адміністративні послуги: оцінки заявників", title_en="Administrative services: applicants' "
                                                                       "ratings",
        description_uk="Кількість оцінок, середня оцінка і розподіл оцінок від 1 до 5 за кожною послугою, без "
                       "коментарів і персональних даних.",
        description_en="The number of ratings, the average and the ratings from 1 to 5 per service, without "
                       "comments or personal data.",
        producer=produce_ratings, columns=RATINGS, keywords=("адміністративні послуги", "оцінки"), **common)
