"""Administrative services: online applications per second, each with a 200 KB PDF, through HTTP on
PostgreSQL, and none lost.

`prepare()` adds to the demo community a service whose form has a text field and a required PDF
document (up to 1 MB), publishes its card, and gives a resident an API token. `run()` posts the same
multipart application (`POST /c/demo/api/v1/services/cases/`, about 200 KB) with wrk for each round, then
counts the cases written during the round: every 201 must be a case row with its attachment row, and the
stored files must be on disk (`lost` = answered 201 but no row). Each application runs the whole intake:
the form built from the card, the PDF opened and its pages counted, the number from the sequence, the
case, its event, its attachment in private storage, the notices in the outbox, in one transaction.

Figures (last line of stdout, JSON): `applications_per_s` (201s per second, median of rounds) with its
rounds, `p50_ms`/`p95_ms`/`p99_ms` of the posts, `stored`, `lost`, `errors`, `attachment_bytes`;
`pg_insert_tps` of the same run; `target_per_s` (300).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import psycopg

from bench.context import Context
from bench.wrk import build_script, parse_output, wrk_path

NAME = "services-apply"
DESCRIPTION = "online applications with a 200 KB PDF each, per second through HTTP on PostgreSQL, none lost"
TARGET_PER_S = 300
ATTACHMENT_BYTES = 200 * 1024
BOUNDARY = "----hromada-bench-7f3a91"
P95_LUA = r"""
local harness_done = done
done = function(summary, latency, requests)
  harness_done(summary, latency, requests)
  io.write(string.format('BENCH_P95 %d\n', latency:percentile(95)))
end
"""

PREPARE_CODE = """
import json
from django.db import transaction
from rest_framework.authtoken.models import Token
from hromada.apps.accounts.models import User
from hromada.apps.communities.models import Community
from hromada.apps.services import cards
from hromada.apps.services.models import Service
from hromada.core import tenancy
community = Community.objects.get(slug="demo")
user, _ = User.objects.get_or_create(email="bench-apply@demo.hromada.local",
                                     defaults={"full_name": "Bench Applicant", "home_community": community})
form = [{"name": "purpose", "label": "Мета", "type": "text", "required": True, "max_length": 200},
        {"name": "passport", "label": "Паспорт (скан)", "type": "file", "required": True,
         "allowed_types": ["pdf"], "max_size_mb": 1}]
with tenancy.scope(community), transaction.atomic():
    service = Service(community=community, code="bench-apply", name_uk="Довідка (навантажувальний тест)",
                      provider="Виконавчий комітет", audience=["person"], apply_methods=["online"], term_days=10,
                      term_kind="working", form=form)
    service.save()
    cards.publish_version(service)
token, _ = Token.objects.get_or_create(user=user)
print("BENCH_APPLY " + json.dumps({"token": token.key}))
"""


def ascii_pdf(size: int) -> str:
    """A valid one-page PDF of about `size` bytes, all ASCII (wrk's script carries the body as a string),
    padded with comment lines before its trailer, with a correct cross-reference table."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]
    out = "%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n"
    padding = max(0, size - len(out) - 200)
    out += ("%" + "x" * 99 + "\n") * (padding // 101)
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out


def multipart_body() -> str:
    crlf = "\r\n"
    parts = [
        f"--{BOUNDARY}{crlf}Content-Disposition: form-data; name=\"service\"{crlf}{crlf}bench-apply{crlf}",
        f"--{BOUNDARY}{crlf}Content-Disposition: form-data; name=\"purpose\"{crlf}{crlf}bench{crlf}",
        f"--{BOUNDARY}{crlf}Content-Disposition: form-data; name=\"passport\"; filename=\"passport.pdf\"{crlf}"
        f"Content-Type: application/pdf{crlf}{crlf}{ascii_pdf(ATTACHMENT_BYTES)}{crlf}",
        f"--{BOUNDARY}--{crlf}",
    ]
    return "".join(parts)


def prepare(ctx: Context) -> None:
    output = ctx.manage("shell", "-c", PREPARE_CODE)
    for line in output.splitlines():
        if line.startswith("BENCH_APPLY "):
            ctx.extra.update(json.loads(line[len("BENCH_APPLY "):]))
    if "token" not in ctx.extra:
        raise RuntimeError(f"the benchmark's service could not be prepared:\n{output}")


def _wrk(ctx: Context, body: str) -> dict[str, Any]:
    headers = {"Authorization": f"Token {ctx.extra['token']}",
               "Content-Type": f"multipart/form-data; boundary={BOUNDARY}", "Accept": "application/json"}
    with tempfile.TemporaryDirectory(prefix="bench-apply-") as tmp:
        script = Path(tmp) / "bench.lua"
        script.write_text(build_script("POST", body, headers) + P95_LUA)
        threads = max(1, min(ctx.wrk_threads, ctx.connections))
        cmd = [wrk_path(), f"-t{threads}", f"-c{ctx.connections}", f"-d{max(1, round(ctx.duration))}s",
               "--timeout=10s", "-s", str(script), ctx.url("/c/demo/api/v1/services/cases/")]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=ctx.duration + 60, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {proc.stderr.strip()}")
    result = parse_output(proc.stdout).as_dict()
    p95 = next(line for line in proc.stdout.splitlines() if line.startswith("BENCH_P95 "))
    result["p95_ms"] = round(int(p95.split()[1]) / 1000, 2)
    return result


def _counts(ctx: Context) -> tuple[int, int, int]:
    with psycopg.connect(ctx.db_url) as conn:
        row = conn.execute(
            "SELECT coalesce(max(c.id), 0), count(c.id), "
            "(SELECT count(*) FROM services_caseattachment a JOIN services_servicecase s ON s.id = a.case_id "
            " JOIN services_service v ON v.id = s.service_id WHERE v.code = 'bench-apply') "
            "FROM services_servicecase c JOIN services_service v ON v.id = c.service_id "
            "WHERE v.code = 'bench-apply'").fetchone()
    return (int(row[0]), int(row[1]), int(row[2])) if row else (0, 0, 0)


def run(ctx: Context) -> dict[str, Any]:
    body = multipart_body()
    if ctx.warmup > 0:
        _wrk(ctx, body)
        ctx.log("  warmed up")
    rounds: list[dict[str, Any]] = []
    pg: list[float] = []
    for index in range(1, ctx.rounds + 1):
        pg.append(round(ctx.pg_insert_tps(), 1))
        _last, cases_before, files_before = _counts(ctx)
        result = _wrk(ctx, body)
        _last, cases_after, files_after = _counts(ctx)
        answered = result["requests"] - result["errors"]  # the 201s: wrk counts any other status as an error
        result["stored"] = cases_after - cases_before
        result["attachments"] = files_after - files_before
        result["lost"] = max(0, answered - result["stored"]) + max(0, result["stored"] - result["attachments"])
        result["applications_per_s"] = round(result["stored"] / result["duration_s"], 1)
        rounds.append(result)
        ctx.log(f"  round {index}/{ctx.rounds}: pg_insert_tps={pg[-1]:.0f}; {result['applications_per_s']:.0f} "
                f"applications/s, p95 {result['p95_ms']:.0f} ms, stored {result['stored']}, lost {result['lost']}, "
                f"errors {result['errors']}")
    return {
        "target_per_s": TARGET_PER_S,
        "attachment_bytes": len(body),
        "applications_per_s": statistics.median(r["applications_per_s"] for r in rounds),
        "applications_per_s_rounds": [r["applications_per_s"] for r in rounds],
        **{key: round(statistics.median(r[key] for r in rounds), 2) for key in ("p50_ms", "p95_ms", "p99_ms")},
        "stored": sum(r["stored"] for r in rounds), "lost": sum(r["lost"] for r in rounds),
        "errors": sum(r["errors"] for r in rounds), "requests": sum(r["requests"] for r in rounds),
        "pg_insert_tps": statistics.median(pg), "pg_insert_tps_rounds": pg,
    }
