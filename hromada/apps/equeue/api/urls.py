"""The e-queue's REST API under `/c/<slug>/api/v1/queue/`: slots, bookings, check-in, calling; clubs."""

from hromada.apps.equeue.api import booking, clubs, queue

urlpatterns = [*booking.urlpatterns, *queue.urlpatterns, *clubs.urlpatterns]
