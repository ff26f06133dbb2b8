from datetime import timedelta

from django.utils import timezone

from hromada.apps.equeue.models import Booking, BookingStatus, Resource, ScheduleRule
from hromada.apps.equeue.tests.booking_world import slot_at, tomorrow_at
from hromada.core import tenancy
from hromada.testing import factories

BASE = "/c/kyiv/queue/"


def test_start_page_lists_windows_doctors_and_groups(client, bworld):
    page = client.get(BASE).content.decode()
    assert "Вікно 1" in page and "Паспорт" in page and "Лікар Коваль" in page and "Плавання" in page


def test_a_resident_books_from_the_resource_page_and_sees_the_qr(client, bworld):
    w = bworld
    with tenancy.scope(w.community):
        slot = slot_at(w.window_resource, tomorrow_at(10))
    anonymous = client.get(BASE + f"resources/{w.window_resource.pk}/").content.decode()
    assert "Sign in to book" in anonymous
    client.force_login(w.resident)
    page = client.get(BASE + f"resources/{w.window_resource.pk}/").content.decode()
    assert f'value="{slot.pk}"' in page and "Паспорт" in page
    response = client.post(BASE + f"resources/{w.window_resource.pk}/book/", {"slot": slot.pk,
                                                                               "service": w.passport.pk})
    assert response.status_code == 302
    with tenancy.scope(w.community):
        booking = Booking.objects.get()
    detail = client.get(response["Location"]).content.decode()
    assert booking.code in detail and "<svg" in detail and f"{booking.uid}.ics" in detail
    mine = client.get(BASE + "bookings/").content.decode()
    assert booking.code in mine and "/bookings/calendar/" in mine
    # The same slot again: taken, said plainly, nothing written.
    again = client.post(BASE + f"resources/{w.window_resource.pk}/book/", {"slot": slot.pk,
                                                                           "service": w.registration.pk})
    assert again.status_code == 409 and "already taken" in again.content.decode()


def test_my_bookings_empty_state(client, bworld):
    client.force_login(bworld.resident)
    assert "You have no upcoming bookings." in client.get(BASE + "bookings/").content.decode()


def test_cancel_after_the_cutoff_is_refused_on_the_page(client, bworld):
    w = bworld
    with tenancy.scope(w.community):
        soon = slot_at(w.doctor, timezone.now() + timedelta(minutes=30))
    client.force_login(w.resident)
    client.post(BASE + f"resources/{w.doctor.pk}/book/", {"slot": soon.pk})
    with tenancy.scope(w.community):
        booking = Booking.objects.get()
    response = client.post(BASE + f"bookings/{booking.uid}/cancel/")
    assert response.status_code == 409 and "until 2 hours before" in response.content.decode()
    with tenancy.scope(w.community):
        booking.refresh_from_db()
        assert booking.status == BookingStatus.BOOKED


def test_waiting_list_join_from_a_full_day(client, bworld):
    w = bworld
    client.force_login(w.resident)
    day = tomorrow_at(9).date()
    assert client.post(BASE + f"resources/{w.doctor.pk}/wait/", {"day": day.isoformat()}).status_code == 302
    again = client.post(BASE + f"resources/{w.doctor.pk}/wait/", {"day": day.isoformat()})
    assert again.status_code == 409 and "already on the waiting list" in again.content.decode()


def test_admin_edits_weekly_hours_and_an_overlap_is_a_400(client, bworld):
    w = bworld
    client.force_login(w.admin)
    url = BASE + f"office/resources/{w.doctor.pk}/"
    base = {"kind": "doctor", "name_uk": "Лікар Коваль", "slot_minutes": 20, "capacity": 1, "horizon_days": 7,
            "opens_at": "08:00", "cutoff_hours": 2, "is_active": "on"}
    bad = client.post(url, {**base, "day0": "09:00-13:00, 12:00-15:00"})
    assert bad.status_code == 400 and "overlap" in bad.content.decode()
    with tenancy.scope(w.community):
        assert not ScheduleRule.objects.filter(resource=w.doctor).exists()
    good = client.post(url, {**base, "day0": "09:00-13:00, 14:00-17:00", "day2": "10:00-12:00"})
    assert good.status_code == 302
    with tenancy.scope(w.community):
        assert ScheduleRule.objects.filter(resource=w.doctor).count() == 3
    assert client.post(url, {"action": "slots"}).status_code == 302
    # A resident may not reach the back office.
    client.force_login(w.resident)
    assert client.get(url).status_code == 403


def test_admin_creates_a_resource(client, bworld):
    client.force_login(bworld.admin)
    response = client.post(BASE + "office/resources/", {
        "kind": "group", "name_uk": "Шахи", "slot_minutes": 60, "capacity": 8, "horizon_days": 7,
        "opens_at": "08:00", "cutoff_hours": 2, "is_active": "on", "day5": "10:00-12:00"})
    assert response.status_code == 302
    with tenancy.scope(bworld.community):
        assert Resource.objects.get(name_uk="Шахи").rules.count() == 1


def test_an_operator_records_a_no_show_on_the_day_view(client, bworld):
    w = bworld
    with tenancy.scope(w.community):
        slot = slot_at(w.doctor, timezone.now() + timedelta(minutes=40))
        from hromada.apps.equeue.actions import booking as actions

        booking = actions.book(resource=w.doctor, slot=slot, person=w.resident, by=w.resident)
        Booking.objects.filter(pk=booking.pk).update()
    client.force_login(w.operator)
    url = BASE + f"office/resources/{w.doctor.pk}/day/"
    page = client.get(url).content.decode()
    assert booking.code in page
    early = client.post(url, {"booking": booking.pk})
    assert early.status_code == 409
    client.force_login(factories.make_user(community=w.community))
    assert client.get(url).status_code == 403
