"""``hromada notifications_flush``: deliver due pending messages (run it periodically, e.g. cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from hromada.core.notifications.delivery import messages_flush


class Command(BaseCommand):
    help = "Deliver pending notifications that are due (those whose delivery job was lost or is late)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        sent = messages_flush(limit=options["limit"])
        self.stdout.write(_("Sent %(count)d messages.") % {"count": sent})
