from django.urls import path

from hromada.apps.equeue import booking_views, queue_views, schedule_views

app_name = "equeue"

# Booking: resources, free slots, the resident's bookings, their calendar files, the waiting list.
urlpatterns = [
    path("", booking_views.start, name="start"),
    path("resources/<int:pk>/", booking_views.resource, name="resource"),
    path("resources/<int:pk>/book/", booking_views.book, name="book"),
    path("resources/<int:pk>/wait/", booking_views.join_waiting_list, name="wait"),
    path("bookings/", booking_views.my_bookings, name="mine"),
    path("bookings/calendar/<str:token>.ics", booking_views.calendar_feed, name="feed"),
    path("bookings/<uuid:uid>/", booking_views.booking_detail, name="booking"),
    path("bookings/<uuid:uid>.ics", booking_views.booking_ics, name="booking_ics"),
    path("bookings/<uuid:uid>/cancel/", booking_views.cancel, name="cancel"),
    path("bookings/<uuid:uid>/move/", booking_views.move, name="move"),
    path("waiting/<int:pk>/accept/", booking_views.accept_offer, name="accept_offer"),
]



# The hall: tickets, check-in, the call display, waiting times; the operator's panel.
urlpatterns += [
    path("offices/<slug:office>/ticket/", queue_views.ticket_page, name="ticket_page"),
    path("offices/<slug:office>/check-in/", queue_views.check_in, name="check_in"),
    path("offices/<slug:office>/display/", queue_views.display, name="display"),
    path("offices/<slug:office>/display/events/", queue_views.display_events, name="display_events"),
    path("offices/<slug:office>/display/state.json", queue_views.display_state, name="display_state"),
    path("offices/<slug:office>/waiting-time/", queue_views.waiting_time, name="waiting_time"),
    path("tickets/<int:pk>/", queue_views.ticket_detail, name="ticket"),
    path("office/panel/", queue_views.panel, name="panel"),
    path("office/panel/<int:window>/<slug:step>/", queue_views.panel_step, name="panel_step"),
    path("office/statistics/", queue_views.statistics, name="statistics"),
]



# The back office: resources, schedules, exceptions, window assignments.
urlpatterns += [
    path("office/", schedule_views.office_home, name="office"),
    path("office/resources/", schedule_views.resources, name="resources"),
    path("office/resources/<int:pk>/", schedule_views.resource_edit, name="resource_edit"),
    path("office/resources/<int:pk>/day/", schedule_views.resource_day, name="resource_day"),
]
