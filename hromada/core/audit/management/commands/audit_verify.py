from django.core.management.base import BaseCommand, CommandError

from hromada.core.audit.services import verify_chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain and report the first tampered record."

    def handle(self, *args, **options):
        checked, bad, reason = verify_chain()
        if reason:
            where = f"record #{bad.pk} ({bad.action}, {bad.created_at.isoformat()})" if bad else "chain head"
            raise CommandError(f"Audit chain BROKEN at {where}: {reason}. {checked} records before it are intact.")
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} records verified."))
