from datetime import timedelta

from icalendar import Calendar

from hromada.apps.equeue.models import Booking, BookingStatus, Slot
from hromada.apps.equeue.tests.booking_world import slot_at, tomorrow_at
from hromada.core import tenancy
from hromada.testing import factories

API = "/c/kyiv/api/v1/queue/"


def test_resources_and_free_slots(client, bworld):
    w = bworld
    with tenancy.scope(w.community):
        free = slot_at(w.window_resource, tomorrow_at(10))
        slot_at(w.window_resource, tomorrow_at(11), booked=1)  # full
        slot_at(w.window_resource, tomorrow_at(12), opens_at=tomorrow_at(8))  # not open yet
    resources = client.get(API + "resources/").json()
    window = next(r for r in resources if r["id"] == w.window_resource.pk)
    assert window["kind"] == "window" and set(window["services"]) == {w.passport.pk, w.registration.pk}
    slots = client.get(API + f"resources/{w.window_resource.pk}/slots/?days=3").json()
    assert [s["id"] for s in slots] == [free.pk] and slots[0]["free"] == 1
    bad = client.get(API + f"resources/{w.window_resource.pk}/slots/?from=yesterday")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "from"
    assert client.get(API + f"resources/{w.window_resource.pk}/slots/?days=400").status_code == 400
    assert client.get(API + "resources/999999/slots/").status_code == 404


def test_book_list_move_cancel(client, bworld):
    w = bworld
    with tenancy.scope(w.community):
        first = slot_at(w.window_resource, tomorrow_at(10))
        second = slot_at(w.window_resource, tomorrow_at(11))
    assert client.post(API + "bookings/", {"slot": first.pk}, content_type="application/json").status_code in (401,
                                                                                                               403)
    client.force_login(w.resident)
    made = client.post(API + "bookings/", {"slot": first.pk, "service": w.passport.pk},
                       content_type="application/json")
    assert made.status_code == 201, made.json()
    uid = made.json()["uid"]
    again = client.post(API + "bookings/", {"slot": second.pk, "service": w.passport.pk},
                        content_type="application/json")
    assert again.status_code == 409
    assert again.json()["errors"][0]["message"] == "You already have a booking for this service on that day."
    assert [b["uid"] for b in client.get(API + "bookings/").json()] == [uid]
    moved = client.post(API + f"bookings/{uid}/move/", {"slot": second.pk}, content_type="application/json")
    assert moved.status_code == 201
    new_uid = moved.json()["uid"]
    cancelled = client.delete(API + f"bookings/{new_uid}/")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    with tenancy.scope(w.community):
        assert set(Slot.objects.values_list("booked", flat=True)) == {0}
        assert Booking.objects.get(uid=uid).status == BookingStatus.MOVED


def test_bad_input_is_a_clear_4xx_and_writes_nothing(client, bworld, other_community):
    w = bworld
    with tenancy.scope(w.community):
        taken = slot_at(w.window_resource, tomorrow_at(10), booked=1)
        from django.utils import timezone
        past = slot_at(w.window_resource, timezone.now() - timedelta(hours=2))
    client.force_login(w.resident)
    for body, status, code in (({"slot": taken.pk}, 409, "slot_taken"), ({"slot": past.pk}, 409, "slot_past"),
                               ({"slot": "x"}, 400, "invalid"), ({"slot": 10**9}, 404, "not_found")):
        response = client.post(API + "bookings/", body, content_type="application/json")
        assert response.status_code == status, response.content
        assert response.json()["errors"][0]["code"] == code
    # Another community's slot through this community's API: not found here.
    with tenancy.scope(other_community):
        from hromada.apps.equeue.models import Resource

        foreign = Resource.objects.create(community=other_community, kind="doctor", name_uk="Чужий лікар")
        foreign_slot = slot_at(foreign, tomorrow_at(10))
    response = client.post(API + "bookings/", {"slot": foreign_slot.pk}, content_type="application/json")
    assert response.status_code == 404
    with tenancy.scope(w.community):
        assert not Booking.objects.exists()


def test_someone_elses_booking_is_not_found(client, bworld):
    w = bworld
    with tenancy.scope(w.community):
        slot = slot_at(w.doctor, tomorrow_at(10))
    client.force_login(w.resident)
    uid = client.post(API + "bookings/", {"slot": slot.pk}, content_type="application/json").json()["uid"]
    client.force_login(factories.make_user(community=w.community))
    assert client.delete(API + f"bookings/{uid}/").status_code == 404


def test_ics_download_and_private_feed(client, bworld):
    from hromada.apps.equeue import ics

    w = bworld
    with tenancy.scope(w.community):
        slot = slot_at(w.doctor, tomorrow_at(10))
    client.force_login(w.resident)
    uid = client.post(API + "bookings/", {"slot": slot.pk}, content_type="application/json").json()["uid"]
    response = client.get(f"/c/kyiv/queue/bookings/{uid}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert str(Calendar.from_ical(response.content)["METHOD"]) == "REQUEST"
    client.logout()
    feed = client.get(f"/c/kyiv/queue/bookings/calendar/{ics.feed_token(w.resident.pk)}.ics")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [f"{uid}@hromada"]
    assert client.get(f"/c/kyiv/queue/bookings/calendar/{w.resident.pk}-0000.ics").status_code == 404
