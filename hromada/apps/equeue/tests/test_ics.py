from datetime import UTC

from icalendar import Calendar

from hromada.apps.equeue import ics
from hromada.apps.equeue.actions import booking as actions
from hromada.apps.equeue.tests.booking_world import slot_at, tomorrow_at


def test_the_booking_event_and_its_cancellation(bscoped):
    w = bscoped
    slot = slot_at(w.window_resource, tomorrow_at(10))
    booking = actions.book(resource=w.window_resource, slot=slot, person=w.resident, by=w.resident,
                           service=w.passport)
    cal = Calendar.from_ical(ics.booking_calendar(booking))
    assert str(cal["METHOD"]) == "REQUEST"
    event = cal.walk("VEVENT")[0]
    assert str(event["UID"]) == f"{booking.uid}@hromada"
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == slot.starts_at.astimezone(UTC)
    assert event.decoded("DTEND") == slot.ends_at.astimezone(UTC)
    assert str(event["LOCATION"]) == "вул. Хрещатик, 36"
    assert "Паспорт" in str(event["SUMMARY"])
    actions.cancel(booking=booking, by=w.resident)
    cancelled = Calendar.from_ical(ics.booking_calendar(booking))
    assert str(cancelled["METHOD"]) == "CANCEL"
    again = cancelled.walk("VEVENT")[0]
    assert str(again["UID"]) == str(event["UID"]) and int(again["SEQUENCE"]) == 1
    assert str(again["STATUS"]) == "CANCELLED"


def test_the_feed_token_opens_only_its_owners_feed():
    token = ics.feed_token(42)
    assert ics.user_id_of_token(token) == 42
    assert ics.user_id_of_token(token[:-1] + ("0" if token[-1] != "0" else "1")) is None
    assert ics.user_id_of_token("43-" + token.split("-", 1)[1]) is None
    assert ics.user_id_of_token("nonsense") is None
