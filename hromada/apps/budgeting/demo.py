"""Demo data for the participatory budget: ``load_demo(community)``. Safe to run again.

Two cycles: this year's, in the voting phase (categories, reviewed projects on the ballot, an
appeal upheld and one rejected, ballots online and on paper), and last year's, counted and being
implemented (results, implementation items with milestones). Dates are relative to today, so
the demo always shows an open vote. Voters are fictional residents `voter.NNN@demo.hromada.local`.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from hromada.apps.accounts.models import IdentityLevel, Role, StaffRole, User, VerificationMethod, tax_number_hash
from hromada.apps.budgeting import results
from hromada.apps.budgeting.models import (
    Appeal,
    AppealDecision,
    Ballot,
    BallotChannel,
    BallotChoice,
    Category,
    Comment,
    CommentStatus,
    CostItem,
    Cycle,
    ImplementationItem,
    Milestone,
    Phase,
    Project,
    ProjectEvent,
    ProjectStatus,
    Review,
    ReviewConclusion,
    TallyRun,
    TallyStatus,
)
from hromada.apps.budgeting.phases import PhaseKind
from hromada.apps.budgeting.selectors import voter_pseudonym
from hromada.apps.communities.models import Community, Department, District
from hromada.core import tenancy

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - the published demo password (see `hromada demo`)
VOTERS = 60

S = ProjectStatus
# title, category key, cost items [(item, unit, quantity, price)], status, review conclusion, appeal
PROJECTS: list[tuple[str, str, list[tuple[str, str, str, str]], str]] = [
    ("Велодоріжка вздовж набережної", "large",
     [("Асфальтування доріжки", "м²", "1800", "520"), ("Розмітка і знаки", "комплект", "1", "86000")], S.ON_BALLOT),
    ("Сучасний спортмайданчик біля ліцею №3", "large",
     [("Гумове покриття", "м²", "600", "980"), ("Тренажери", "шт", "12", "38500")], S.ON_BALLOT),
    ("Інклюзивний дитячий майданчик у парку", "large",
     [("Обладнання", "комплект", "1", "760000"), ("Монтаж", "послуга", "1", "95000")], S.ON_BALLOT),
    ("Енергоощадне освітлення вулиці Шкільної", "large",
     [("Світильник LED", "шт", "64", "9800"), ("Опори", "шт", "32", "14500")], S.ON_BALLOT),
    ("Книжкові полиці буккросингу на зупинках", "small",
     [("Полиця з дахом", "шт", "15", "3200")], S.ON_BALLOT),
    ("Пандус і кнопка виклику в амбулаторії", "small",
     [("Пандус", "шт", "1", "68000"), ("Кнопка виклику", "шт", "2", "4200")], S.ON_BALLOT),
    ("Громадський город у дворі гімназії", "small",
     [("Грядки з дерева", "шт", "20", "2100"), ("Система поливу", "комплект", "1", "18500")], S.ON_BALLOT),
    ("Кінотеатр під відкритим небом", "small",
     [("Проєктор", "шт", "1", "145000"), ("Екран", "шт", "1", "62000")], S.ON_BALLOT),
    ("Сквер з лавками біля ЦНАП", "district0",
     [("Лавка", "шт", "12", "7400"), ("Урна", "шт", "12", "1900"), ("Саджанці", "шт", "40", "850")], S.ON_BALLOT),
    ("Тротуар до зупинки «Ринок»", "district0",
     [("Бруківка", "м²", "320", "690")], S.ON_BALLOT),
    ("Дитячі гойдалки у дворах Північного", "district1",
     [("Гойдалка", "шт", "6", "21000")], S.ON_BALLOT),
    ("Зупинка з навісом і лавкою", "district1",
     [("Павільйон", "шт", "2", "64000")], S.ON_BALLOT),
    ("Фонтан на центральній площі", "large",
     [("Фонтан", "шт", "1", "1400000")], S.APPEAL_REJECTED),
    ("Вуличні тренажери на стадіоні", "small",
     [("Тренажер", "шт", "8", "19500")], S.ON_BALLOT),  # not feasible, appeal upheld
]


def _kyiv_midnight(day: date) -> datetime:
    from hromada.core.calendar import KYIV

    return datetime(day.year, day.month, day.day, tzinfo=KYIV)


def _phases(today: date, shift_days: int) -> dict[str, tuple[datetime, datetime]]:
    base = today + timedelta(days=shift_days)
    edges = [base - timedelta(days=120), base - timedelta(days=75), base - timedelta(days=30),
             base + timedelta(days=14), base + timedelta(days=30), base + timedelta(days=395)]
    return {kind: (_kyiv_midnight(edges[i]), _kyiv_midnight(edges[i + 1])) for i, kind in enumerate(PhaseKind.values)}


def _voters(community: Community) -> list[User]:
    """Fictional verified residents who vote in the demo (one password hash for all: quick to create)."""
    emails = [f"voter.{n:03d}@demo.hromada.local" for n in range(1, VOTERS + 1)]
    existing = {u.email: u for u in User.objects.filter(email__in=emails)}
    password = make_password(DEMO_PASSWORD)
    names = ["Андрій", "Олена", "Богдан", "Ірина", "Тарас", "Оксана", "Микола", "Софія", "Дмитро", "Галина"]
    missing = [User(email=email, password=password, full_name=f"{names[n % 10]} Демо-{n + 1:03d}",
                    home_community=community, identity_level=IdentityLevel.VERIFIED,
                    verification_method=VerificationMethod.PROVIDER, verified_at=timezone.now(),
                    birth_date=date(1950 + n % 55, 1 + n % 12, 1 + n % 27))
               for n, email in enumerate(emails) if email not in existing]
    User.objects.bulk_create(missing)
    return list(User.objects.filter(email__in=emails).order_by("email"))


def _staff(community: Community, role: str) -> User | None:
    row = StaffRole.objects.filter(role=role).select_related("user").order_by("pk").first()
    return row.user if row else None


def _department(community: Community, code: str, fallback_name: str) -> Department:
    department = Department.objects.filter(code=code).first()
    if department is None:
        department, _ = Department.objects.get_or_create(community=community, name_uk=fallback_name,
                                                         defaults={"code": code})
    return department


def _cycle(community: Community, slug: str, name: str, year: int, phase_dates: dict) -> tuple[Cycle, bool]:
    cycle = Cycle.objects.filter(slug=slug).first()
    if cycle is not None:
        return cycle, False
    cycle = Cycle.objects.create(community=community, slug=slug, year=year, name_uk=name,
                                 name_en=f"Participatory budget {year}",
                                 description="Жителі громади пропонують, обирають і контролюють проєкти, "
                                             "на які громада витрачає частину бюджету.")
    for kind, (start, end) in phase_dates.items():
        Phase.objects.create(community=community, cycle=cycle, kind=kind, starts_at=start, ends_at=end)
    return cycle, True


def _categories(community: Community, cycle: Cycle) -> dict[str, Category]:
    districts = list(District.objects.order_by("pk")[:2])
    specs: list[tuple[str, str, str, Decimal, Decimal, Decimal, int, District | None]] = [
        ("large", "Загальноміські великі проєкти", "City-wide large projects", Decimal("3000000"),
         Decimal("300000"), Decimal("1500000"), 2, None),
        ("small", "Загальноміські малі проєкти", "City-wide small projects", Decimal("400000"),
         Decimal("20000"), Decimal("300000"), 3, None),
    ]
    for i, place in enumerate(districts):
        specs.append((f"district{i}", f"Район: {place.name_uk}", f"District: {place.name_en or place.name_uk}",
                      Decimal("300000"), Decimal("10000"), Decimal("250000"), 2, place))
    out = {}
    for position, (key, name_uk, name_en, fund, low, high, votes, district) in enumerate(specs):
        out[key], _ = Category.objects.get_or_create(
            community=community, cycle=cycle, name_uk=name_uk,
            defaults={"name_en": name_en, "fund": fund, "min_cost": low, "max_cost": high, "max_votes": votes,
                      "district": district, "position": position})
    return out


def _timeline(project: Project, actor: Any, kind: str, before: str, after: str, when: datetime, note: str = "") -> None:
    ProjectEvent.record(project, kind, actor=actor, from_status=before, to_status=after, note=note, at=when)


def _projects(community: Community, cycle: Cycle, categories: dict[str, Category], authors: list[User],
              departments: list[Department], staff: dict[str, User | None], phase_dates: dict) -> list[Project]:
    made = []
    submitted_at = phase_dates[PhaseKind.SUBMISSION][0] + timedelta(days=10)
    reviewed_at = phase_dates[PhaseKind.REVIEW][0] + timedelta(days=14)
    ballot_at = phase_dates[PhaseKind.VOTING][0]
    for number, (title, key, items, final) in enumerate(PROJECTS, start=1):
        category = categories.get(key) or categories["small"]
        district = category.district
        lon = lat = None
        if district is not None:
            ring = district.boundary["coordinates"][0]
            lon = Decimal(str(round((ring[0][0] + ring[2][0]) / 2, 6)))
            lat = Decimal(str(round((ring[0][1] + ring[2][1]) / 2, 6)))
        total = sum((Decimal(q) * Decimal(p) for _i, _u, q, p in items), Decimal("0"))
        department = departments[number % len(departments)]
        project = Project.objects.create(
            community=community, cycle=cycle, category=category, number=number, author=authors[number % len(authors)],
            title=title,
            description=f"{title}. Проєкт підготували мешканці; кошторис складено за цінами постачальників.",
            beneficiaries="Мешканці громади, діти, люди з інвалідністю", district=district, latitude=lat, longitude=lon,
            estimated_cost=total, status=final, department=department,
            submitted_at=submitted_at, published_at=submitted_at + timedelta(days=2))
        for position, (item, unit, quantity, price) in enumerate(items):
            CostItem.objects.create(community=community, project=project, position=position, description=item,
                                    unit=unit, quantity=Decimal(quantity), unit_price=Decimal(price))
        moderator, admin = staff["moderator"], staff["admin"]
        _timeline(project, project.author, "create", "", S.DRAFT, submitted_at - timedelta(days=3))
        _timeline(project, project.author, "submit", S.DRAFT, S.SUBMITTED, submitted_at)
        _timeline(project, moderator, "take", S.SUBMITTED, S.ON_MODERATION, submitted_at + timedelta(days=1))
        _timeline(project, moderator, "publish", S.ON_MODERATION, S.PUBLISHED, submitted_at + timedelta(days=2))
        _timeline(project, moderator, "send_to_review", S.PUBLISHED, S.UNDER_REVIEW, reviewed_at - timedelta(days=10))
        reviewer = User.objects.filter(staff_roles__department=department).first() or admin or project.author
        appealed = number in (13, 14)
        conclusion = ReviewConclusion.NOT_FEASIBLE if appealed else ReviewConclusion.FEASIBLE
        reason = ("Земельна ділянка не належить громаді." if number == 13 else
                  "Обладнання не сертифіковане." if number == 14 else "")
        Review.objects.create(community=community, project=project, department=department, reviewer=reviewer,
                              conclusion=conclusion, reason=reason)
        after_review = S.NOT_FEASIBLE if appealed else S.FEASIBLE
        _timeline(project, reviewer, f"conclude_{'not_feasible' if appealed else 'feasible'}", S.UNDER_REVIEW,
               after_review, reviewed_at, reason)
        if appealed:
            upheld = number == 14
            Appeal.objects.create(community=community, project=project, author=project.author,
                                  text="Надаємо сертифікати відповідності та витяг з реєстру.",
                                  decision=AppealDecision.UPHELD if upheld else AppealDecision.REJECTED,
                                  decision_reason="Сертифікати надано." if upheld else "Витяг не підтверджує права.",
                                  decided_by=admin, decided_at=reviewed_at + timedelta(days=7))
            _timeline(project, project.author, "appeal", S.NOT_FEASIBLE, S.APPEALED, reviewed_at + timedelta(days=2))
            _timeline(project, admin, "uphold_appeal" if upheld else "reject_appeal", S.APPEALED,
                   S.APPEAL_UPHELD if upheld else S.APPEAL_REJECTED, reviewed_at + timedelta(days=7))
            if not upheld:
                project.status_reason = "Витяг не підтверджує права."
                project.save(update_fields=["status_reason"])
                made.append(project)
                continue
            after_review = S.APPEAL_UPHELD
        _timeline(project, admin, "put_on_ballot", after_review, S.ON_BALLOT, ballot_at)
        made.append(project)
    return made


def _ballots(community: Community, cycle: Cycle, projects: list[Project], voters: list[User], operator: User | None,
             seed: int) -> None:
    rng = random.Random(seed)  # the demo is the same every time it is loaded
    on_ballot = [p for p in projects if p.status == S.ON_BALLOT]
    by_category: dict[int, list[Project]] = {}
    for project in on_ballot:
        by_category.setdefault(project.category_id, []).append(project)
    categories = {c.pk: c for c in cycle.categories.all()}
    district_categories = [pk for pk, c in categories.items() if c.district_id]
    for index, voter in enumerate(voters):
        chosen: list[Project] = []
        own_district = rng.choice(district_categories) if district_categories else None
        for category_id, options in by_category.items():
            if categories[category_id].district_id and category_id != own_district:
                continue
            weights = [len(options) - i + (3 if i == 0 else 0) for i in range(len(options))]
            count = rng.randint(0, min(categories[category_id].max_votes, len(options)))
            picked: list[Project] = []
            while len(picked) < count:
                candidate = rng.choices(options, weights=weights)[0]
                if candidate not in picked:
                    picked.append(candidate)
            chosen.extend(picked)
        chosen = chosen[:cycle.effective_max_votes]
        if not chosen:
            continue
        paper = index % 12 == 0 and operator is not None
        ballot = Ballot.objects.create(
            community=community, cycle=cycle, voter=voter, person_hash=voter.tax_number_hash,
            public_id=voter_pseudonym(cycle.pk, f"user:{voter.pk}"),
            channel=BallotChannel.PAPER if paper else BallotChannel.ONLINE,
            entered_by=operator if paper else None,
            district_id=next((p.category.district_id for p in chosen if p.category.district_id), None))
        BallotChoice.objects.bulk_create([BallotChoice(community=community, ballot=ballot, project=p,
                                                       category_id=p.category_id) for p in chosen])


def load_demo(community: Community) -> dict[str, Any]:
    """Create (once) the demo cycles of `community`; returns what exists afterwards."""
    with tenancy.scope(community), transaction.atomic():
        today = timezone.localdate()
        staff: dict[str, User | None] = {str(role): _staff(community, role)
                                         for role in (Role.ADMIN, Role.MODERATOR, Role.OPERATOR)}
        if staff[Role.ADMIN] is None:
            admin = User.objects.filter(is_superuser=True).first()
            staff = dict.fromkeys(staff, admin)
        departments = [
            _department(community, "ECO", "Відділ благоустрою та екології"),
            _department(community, "ROADS", "Управління транспорту та дорожнього господарства"),
            _department(community, "EDU", "Управління освіти"),
        ]
        voters = _voters(community)
        for n, voter in enumerate(voters):
            if voter.tax_number_hash is None:
                voter.tax_number_hash = tax_number_hash(f"39{n:08d}")
                voter.save(update_fields=["tax_number_hash"])
        authors = voters[:8]

        current_dates = _phases(today, 0)
        current, created = _cycle(community, "gb-current", f"Громадський бюджет {today.year + 1}", today.year + 1,
                                  current_dates)
        if created:
            categories = _categories(community, current)
            projects = _projects(community, current, categories, authors, departments, staff, current_dates)
            _ballots(community, current, projects, voters[8:], staff[Role.OPERATOR], seed=2026)
            comment = Comment.objects.create(community=community, project=projects[0], author=voters[20],
                                             text="Дуже потрібна річ, їжджу тут щодня.")
            Comment.objects.filter(pk=comment.pk).update(status=CommentStatus.PUBLISHED,
                                                         moderated_by=staff[Role.MODERATOR])
            Comment.objects.create(community=community, project=projects[1], author=voters[21],
                                   text="Хто буде доглядати за майданчиком?")

        past_dates = _phases(today, -360)
        past, created = _cycle(community, "gb-previous", f"Громадський бюджет {today.year}", today.year, past_dates)
        if created:
            categories = _categories(community, past)
            projects = _projects(community, past, categories, authors, departments, staff, past_dates)
            _ballots(community, past, projects, voters, staff[Role.OPERATOR], seed=2025)
            run = TallyRun.objects.create(community=community, cycle=past, rule=past.tally_rule,
                                          started_by=staff[Role.ADMIN])
            results.tally_execute(run)
            run.refresh_from_db()
            if run.status == TallyStatus.DONE:
                for n, project in enumerate(Project.objects.filter(cycle=past, status=S.WINNER).order_by("number")):
                    progress = min(100, 25 * (n + 1))
                    done = progress == 100  # a finished project says so, and its last milestone is reached
                    item = ImplementationItem.objects.create(community=community, project=project,
                                                             department=project.department or departments[0],
                                                             progress=progress,
                                                             spent=(project.cost * progress / 100)
                                                             .quantize(Decimal("0.01")),
                                                             note="Роботи завершено, об'єкт прийнято." if done
                                                             else "Роботи тривають за графіком.")
                    Milestone.objects.create(community=community, item=item, title="Договір з підрядником",
                                             due_date=today - timedelta(days=30), done_on=today - timedelta(days=28),
                                             position=1)
                    Milestone.objects.create(community=community, item=item, title="Завершення робіт",
                                             due_date=today - timedelta(days=7) if done else today + timedelta(days=90),
                                             done_on=today - timedelta(days=5) if done else None, position=2)
                    final = S.IMPLEMENTED if item.progress == 100 else S.IMPLEMENTATION
                    _timeline(project, staff[Role.ADMIN], "start_implementation", S.WINNER, S.IMPLEMENTATION,
                           timezone.now() - timedelta(days=40))
                    if final == S.IMPLEMENTED:
                        _timeline(project, staff[Role.ADMIN], "complete", S.IMPLEMENTATION, S.IMPLEMENTED,
                               timezone.now() - timedelta(days=5))
                        item.completed_at = timezone.now() - timedelta(days=5)
                        item.save(update_fields=["completed_at"])
                    Project.objects.filter(pk=project.pk).update(status=final)
        return {"current": current, "previous": past, "ballots": Ballot.objects.filter(cycle=current).count(),
                "projects": Project.objects.filter(cycle=current).count()}
