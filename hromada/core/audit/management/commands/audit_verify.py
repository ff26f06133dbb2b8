import csv
import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hromada.apps.communities.models import Community
from hromada.core.audit.models import PLATFORM_CHAIN
from hromada.core.audit.services import PublishedHead, verify_chains


def read_published(path: str) -> list[PublishedHead]:
    """Day heads from a copy of the published data set (its CSV or JSON), kept outside the database."""
    text = Path(path).read_text(encoding="utf-8-sig")
    rows = json.loads(text) if text.lstrip().startswith(("[", "{")) else list(csv.DictReader(text.splitlines()))
    if isinstance(rows, dict):
        rows = rows.get("rows") or rows.get("data") or []
    try:
        return [PublishedHead(chain=int(row["chain"]), day=date.fromisoformat(str(row["day"])[:10]),
                              seq=int(row["records"]), hash=str(row["last_record_hash"])) for row in rows]
    except (KeyError, TypeError, ValueError) as exc:
        raise CommandError(f"{path} is not a copy of the published audit heads: {exc}") from exc


class Command(BaseCommand):
    help = ("Verify the audit log's keyed hash chains (one per community) against their heads and the published "
            "day heads, and report the first tampered record of each chain.")

    def add_arguments(self, parser):
        parser.add_argument("--published", action="append", default=[], metavar="FILE",
                            help="a downloaded copy (CSV or JSON) of the published audit heads; may repeat")

    def handle(self, *args, **options):
        published = [head for path in options["published"] for head in read_published(path)]
        reports = verify_chains(published=published)
        names = dict(Community.objects.values_list("pk", "slug"))
        broken = []
        for report in reports:
            if not report.reason:
                continue
            name = "the platform" if report.chain == PLATFORM_CHAIN else names.get(report.chain, f"#{report.chain}")
            bad = report.bad
            where = (f"record #{bad.pk} (number {bad.seq}, {bad.action}, {bad.created_at.isoformat()})" if bad
                     else "chain head")
            broken.append(f"Audit chain of {name} BROKEN at {where}: {report.reason}. "
                          f"{report.checked} records before it are intact.")
        if broken:
            raise CommandError("\n".join(broken))
        total = sum(report.checked for report in reports)
        self.stdout.write(self.style.SUCCESS(
            f"Audit chain intact: {total} records verified in {len(reports)} chains."))
