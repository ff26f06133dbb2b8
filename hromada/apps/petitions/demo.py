"""Demo petitions for `hromada demo`: one in every state, made through the actions. Safe to run again."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from hromada.apps.accounts.models import IdentityLevel, Role, StaffRole, User, VerificationMethod
from hromada.apps.communities.models import Community
from hromada.apps.petitions import actions
from hromada.apps.petitions.models import (
    Petition,
    PetitionCategory,
    PetitionEvent,
    PetitionPolicy,
    PetitionStatus,
    Signature,
)
from hromada.core import tenancy

CATEGORIES = [("Транспорт", "Transport"), ("Благоустрій", "Landscaping"), ("Освіта", "Education")]
SIGNERS = 120
PETITIONS = [
    # (title, category, target state, extra signatures, text)
    ("Велодоріжка вулицею Соборною", "Транспорт", "collecting", 37,
     "Просимо облаштувати захищену велодоріжку вздовж вулиці Соборної від вокзалу до центру, "
     "щоб діти могли безпечно їздити до школи."),
    ("Освітлення пішохідного переходу біля школи № 3", "Освіта", "threshold_reached", 110,
     "Пішохідний перехід біля школи № 3 не освітлений. Просимо встановити ліхтарі та світлофор "
     "з кнопкою виклику до початку навчального року."),
    ("Новий сквер на місці пустиря на вулиці Заводській", "Благоустрій", "answered", 104,
     "Просимо облаштувати сквер з лавками, деревами та дитячим майданчиком на пустирі біля будинку № 12."),
    ("Нічний автобусний маршрут до Північного району", "Транспорт", "moderation", 0,
     "Просимо запустити нічний автобус, щоб мешканці Північного району могли повертатися з роботи після 23:00."),
    ("Громадська вбиральня в центральному парку", "Благоустрій", "forwarded", 12,
     "Просимо встановити громадську вбиральню з доступом для людей з інвалідністю в центральному парку."),
    ("Перейменувати місто", "", "rejected", 0,
     "Просимо перейменувати місто (питання не належить до повноважень міської ради)."),
    ("Чернетка: фонтан на площі", "Благоустрій", "draft", 0, "Текст ще пишеться."),
]


def _signers(community: Community) -> list[User]:
    people = []
    for n in range(1, SIGNERS + 1):
        email = f"signer{n:03d}@demo.hromada.local"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email, None, full_name=f"Мешканець Демо {n:03d}", home_community=community,
                identity_level=IdentityLevel.VERIFIED, verification_method=VerificationMethod.PROVIDER,
                verified_at=timezone.now(), birth_date=date(1960 + n % 45, 1 + n % 12, 1 + n % 28))
        people.append(user)
    return people


def _staff(role: str) -> User:
    for wanted in (role, Role.ADMIN):
        staff_role = StaffRole.objects.filter(role=wanted).select_related("user").order_by("id").first()
        if staff_role is not None:
            return staff_role.user
    raise RuntimeError(f"the demo community needs a {role} (run the demo command first)")


def load_demo(community: Community) -> list[Petition]:
    """Create the demo petitions of `community` that do not exist yet (matched by title)."""
    with tenancy.scope(community):
        PetitionPolicy.for_community(community)
        categories = {}
        for name_uk, name_en in CATEGORIES:
            categories[name_uk], _ = PetitionCategory.objects.get_or_create(
                community=community, name_uk=name_uk, defaults={"name_en": name_en})
        author = User.objects.filter(email="resident@demo.hromada.local").first() or _signers(community)[0]
        if author.birth_date is None:
            author.birth_date = date(1985, 5, 17)
            author.save(update_fields=["birth_date"])
        moderator, controller = _staff(Role.MODERATOR), _staff(Role.CONTROLLER)
        signers = _signers(community)
        created = []
        for title, category, state, extra, text in PETITIONS:
            if Petition.objects.filter(title=title).exists():
                continue
            petition = actions.petition_create(community=community, author=author, title=title, text=text,
                                               category=categories.get(category))
            created.append(petition)
            if state == "draft":
                continue
            actions.petition_submit(petition=petition, by=author)
            if state == "moderation":
                continue
            if state == "rejected":
                actions.petition_moderate(petition=petition, by=moderator, publish=False, reason="not_competence",
                                          note="Перейменування міста вирішує Верховна Рада України.")
                continue
            actions.petition_moderate(petition=petition, by=moderator, publish=True)
            for signer in signers[:extra]:
                if petition.status in (PetitionStatus.COLLECTING, PetitionStatus.THRESHOLD_REACHED):
                    actions.petition_sign(petition=petition, person=signer, ip="192.0.2.10")
            if state == "forwarded":
                # The demo cannot wait for the period: move the whole collection (its start, the signatures and
                # the steps so far) into the past, keeping its order, then run the deadline job.
                petition.refresh_from_db()
                ended = timezone.now() - timedelta(minutes=1)
                opened, closes = petition.published_at, petition.collection_ends_at
                started = ended - (closes - opened if opened and closes else timedelta(days=30))
                Petition.objects.filter(pk=petition.pk).update(
                    created_at=started - timedelta(days=3), submitted_at=started - timedelta(days=2),
                    moderation_due_at=started, published_at=started, collection_ends_at=ended)
                Signature.objects.filter(petition=petition).update(signed_at=started + timedelta(days=1))
                PetitionEvent.objects.filter(petition=petition).update(at=started)
                actions.petitions_close_expired(community=community)
            if state == "answered":
                actions.petition_start_consideration(petition=petition, by=controller)
                actions.petition_answer(
                    petition=petition, by=controller, decision="supported",
                    text="Виконавчий комітет підтримав петицію. Сквер буде облаштовано коштом міського бюджету "
                         "наступного року; проєкт обговоримо з мешканцями.")
        return created
