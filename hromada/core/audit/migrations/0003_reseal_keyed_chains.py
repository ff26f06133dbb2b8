"""Move the records of the single unkeyed chain into one keyed chain per community.

The old chain is verified first (its own unkeyed algorithm, frozen here); a broken chain stops the
migration, so that sealing with the key never launders an earlier rewrite. The keyed algorithm is
frozen here too, as it stood when this migration was written.
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.db import migrations

GENESIS_HASH = "0" * 64


def _canonical(payload):
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _payload(record):
    return {"created_at": record.created_at.isoformat(), "actor": record.actor_id,
            "on_behalf_of": record.on_behalf_of_id, "community": record.community_id, "action": record.action,
            "target_type": record.target_type, "target_id": record.target_id, "data": record.data}


def _seal(*parts):
    message = "\x1f".join(str(part) for part in parts)
    return hmac.new(settings.AUDIT_HMAC_KEY.encode(), message.encode(), hashlib.sha256).hexdigest()


def reseal(apps, schema_editor):
    AuditRecord = apps.get_model("audit", "AuditRecord")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    old_head = AuditChainHead.objects.filter(pk=1).first()
    previous = GENESIS_HASH
    heads = {}
    for record in AuditRecord.objects.order_by("pk").iterator(chunk_size=2000):
        old = hashlib.sha256((previous + _canonical({"id": record.pk, **_payload(record)})).encode()).hexdigest()
        if record.prev_hash != previous or record.hash != old:
            raise RuntimeError(f"The audit chain is broken at record #{record.pk}: run `hromada audit_verify` "
                               "on the previous release and resolve it before migrating.")
        previous = record.hash
        chain = record.community_id or 0
        head = heads.setdefault(chain, {"seq": 0, "hash": GENESIS_HASH, "community_id": record.community_id})
        seq = head["seq"] + 1
        keyed = _seal("record", head["hash"], _canonical({"chain": chain, "seq": seq, **_payload(record)}))
        AuditRecord.objects.filter(pk=record.pk).update(chain=chain, seq=seq, prev_hash=head["hash"], hash=keyed)
        head.update(seq=seq, hash=keyed, at=record.created_at)
    if old_head is not None and old_head.last_hash != previous:
        raise RuntimeError("The newest audit records were removed (the chain head does not match): run "
                           "`hromada audit_verify` on the previous release and resolve it before migrating.")
    AuditChainHead.objects.all().delete()
    for chain, head in heads.items():
        AuditChainHead.objects.create(chain=chain, community_id=head["community_id"], last_seq=head["seq"],
                                      last_hash=head["hash"], last_at=head["at"],
                                      seal=_seal("head", chain, head["seq"], head["hash"]))


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_keyed_chains'),
    ]

    operations = [
        migrations.RunPython(reseal, migrations.RunPython.noop),
    ]
