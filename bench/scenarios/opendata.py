"""Open data: CKAN package_search over 10,000 data sets / 50,000 resources, and a 2,000,000-row CSV export.

prepare() bulk-loads 10,000 data sets with 50,000 resources (5 each), 20 publishers, 6 themes and
tags into the demo community, renders their stored package JSON and vacuums the tables. run()
measures, beside the same run's pg_insert_tps:

- package_search with rows=1000, a text search, an fq+facet search, a deep harvester page
  (start=5000, rows=100, sort=id asc) and package_show under wrk (p50/p90/p99);
- the same rows=1000 search and a typical search sequentially from one client (p95 over 40 requests);
- the appeals CSV export (`hromada.apps.opendata.export.appeals_csv`: PostgreSQL COPY of the
  de-identified columns) over 2,000,000 real appeal rows that prepare() inserts with names, contacts
  and addresses: rows per second, peak resident memory, and whether any personal data came out;
  beside it the old path (synthetic rows through `files.iter_csv`) for comparison.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from typing import Any

from bench.context import Context

NAME = "opendata"
DESCRIPTION = ("CKAN package_search over 10,000 data sets / 50,000 resources (rows=1000 and typical), "
               "2,000,000-row CSV export rate and peak RSS")
DATASETS = 10_000
RESOURCES_PER_DATASET = 5
CSV_ROWS = 2_000_000

LOAD = r"""
import uuid, random
from django.utils import timezone
from hromada.apps.communities.models import Community
from hromada.apps.opendata import actions
from hromada.apps.opendata.models import Dataset, Publisher, Resource, Tag, Theme
from hromada.core import tenancy
N, R = {datasets}, {resources}
community = Community.objects.get(slug="demo")
rng = random.Random(7)
with tenancy.scope(community):
    pubs = [Publisher.objects.get_or_create(community=community, name=f"bench-pub-{{i}}",
            defaults={{"title_uk": f"Відділ {{i}}", "edrpou": "04054926"}})[0] for i in range(20)]
    themes = [actions.theme_for(community, code) for code in actions.EU_THEMES]
    words = ["бюджет", "транспорт", "освіта", "екологія", "земля", "ремонт", "школи", "дороги", "вода", "енергія"]
    tags = [Tag.objects.get_or_create(community=community, name=w)[0] for w in words]
    now = timezone.now()
    batch, res = [], []
    for i in range(N):
        w = rng.sample(words, 2)
        d = Dataset(community=community, id=uuid.uuid4(), name=f"bench-{{i:05d}}", identifier=f"B.{{i}}",
                    title_uk=f"Набір {{i}}: {{w[0]}} і {{w[1]}}", title_en=f"Data set {{i}}",
                    description_uk=f"Опис набору {{i}} про {{w[0]}}", publisher=pubs[i % 20],
                    responsible_person="Відповідальна особа", responsible_email="od@demo.hromada.local",
                    legal_basis="835", frequency=["daily", "monthly", "yearly", "quarterly"][i % 4],
                    metadata_modified=now - timezone.timedelta(minutes=i), spatial="Демо")
        d.search_text = d.build_search_text(w)
        batch.append((d, w))
        for j in range(R):
            res.append(Resource(community=community, dataset=d, name_uk=f"Файл {{j}}",
                                format=["CSV", "JSON", "XLSX", "GeoJSON", "CSV"][j], position=j,
                                size=1000 + j, checksum="0" * 64, last_modified=now))
    Dataset.objects.bulk_create([d for d, _ in batch], batch_size=2000)
    Resource.objects.bulk_create(res, batch_size=5000)
    by_name = {{t.name: t for t in tags}}
    Dataset.tags.through.objects.bulk_create(
        [Dataset.tags.through(dataset_id=d.pk, tag_id=by_name[x].pk) for d, w in batch for x in w], batch_size=5000)
    Dataset.themes.through.objects.bulk_create(
        [Dataset.themes.through(dataset_id=d.pk, theme_id=themes[k % len(themes)].pk)
         for k, (d, _) in enumerate(batch)], batch_size=5000)
    from hromada.apps.opendata.ckan import store
    store.refresh([d.pk for d, _ in batch])  # what the actions do on every write: the stored package JSON
    print(Dataset.objects.count(), Resource.objects.count())
# The refresh above rewrote every row once: vacuum now, as autovacuum would within a minute or two, so
# the measurement does not depend on whether autovacuum has reached these tables yet.
from django.db import connection
with connection.cursor() as cursor:
    for model in (Dataset, Resource, Dataset.tags.through, Dataset.themes.through):
        cursor.execute(f"VACUUM ANALYZE {{model._meta.db_table}}")
"""

# 2,000,000 appeals with names, contacts, addresses and texts, inserted by PostgreSQL itself; the
# columns are taken from the model, so a field the appeals app adds with a default needs no change here.
LOAD_APPEALS = r"""
from django.db import connection, models
from hromada.apps.communities.models import Community
from hromada.apps.appeals.models import Appeal, Category
from hromada.core import tenancy
N = {appeals}
community = Community.objects.get(slug="demo")
with tenancy.scope(community):
    cats = [int(pk) for pk in Category.objects.values_list("pk", flat=True)[:6] if str(pk).isdigit()]
day = "(timestamptz '2024-01-01 08:00+02' + (mod(g, 700)) * interval '1 day')"
explicit = {{
    "community": "%s", "number": "'BENCH-' || lpad(g::text, 8, '0')", "token": "md5('bench' || g)::uuid",
    "type": "'application'", "channel": "(ARRAY['web','paper','phone','open311'])[1 + mod(g, 4)]",
    "status": "(ARRAY['answered','routed','closed','registered'])[1 + mod(g, 4)]",
    "category": f"(ARRAY{{cats}}::bigint[])[1 + mod(g, {{len(cats)}})]" if cats else "NULL",
    "text": "'Яма біля будинку ' || g", "author_name": "'Особа Приватна ' || g",
    "author_address": "'вул. Приватна, ' || g", "author_email": "'person' || g || '@private-mail.test'",
    "author_phone": "'+38067' || lpad(g::text, 7, '0')", "location_text": "'вул. Приватна, ' || g",
    "latitude": "49.79 + (mod(g, 1000)) / 100000.0", "longitude": "30.11 + (mod(g, 1000)) / 100000.0",
    "registered_at": day + " + (mod(g, 3600)) * interval '1 second'",
    "due_date": "(date '2024-01-01' + (mod(g, 700)) + 15)", "due_at": day + " + interval '16 days'",
    "answered_at": "CASE WHEN mod(g, 4) IN (0, 2) THEN " + day + " + interval '9 days' END",
}}
columns, values, params = [], [], [str(community.pk)]
for field in Appeal._meta.concrete_fields:
    if field.primary_key and isinstance(field, models.AutoField | models.BigAutoField):
        continue
    if field.name in explicit:
        expression = explicit[field.name]
    elif field.null:
        continue
    elif isinstance(field, models.DateTimeField):
        expression = "now()"
    elif field.has_default() and not callable(field.default):
        expression = "%s"
        params.append(field.get_db_prep_save(field.default, connection))
    elif isinstance(field, models.CharField | models.TextField) and field.blank:
        expression = "''"
    else:
        raise SystemExit(f"no bench value for Appeal.{{field.name}}")
    columns.append(connection.ops.quote_name(field.column))
    values.append(expression)
with connection.cursor() as cursor:
    cursor.execute(f"INSERT INTO {{Appeal._meta.db_table}} ({{', '.join(columns)}}) "
                   f"SELECT {{', '.join(values)}} FROM generate_series(1, {{N}}) AS g", params)
    cursor.execute(f"ANALYZE {{Appeal._meta.db_table}}")
with tenancy.scope(community):
    print(Appeal.objects.count())
"""

EXPORT = r"""
import datetime as dt, json, resource, sys, time
import django
django.setup()
from hromada.apps.opendata.files import iter_csv
from hromada.apps.opendata.producers.appeals import COLUMNS
N, MODE = int(sys.argv[1]), sys.argv[2]
start_day = dt.date(2024, 1, 1)
def rows():
    cats = ["Дороги", "Освітлення", "Вивіз сміття", "Водопостачання"]
    for i in range(N):
        day = start_day + dt.timedelta(days=i % 700)
        yield (f"ЗВ-{2024 + i % 2}-{i:07d}", "application", "web", cats[i % 4], "Центральний",
               "Департамент ЖКГ", "answered", day, day + dt.timedelta(days=15), day + dt.timedelta(days=9), True)
if MODE == "database":  # the real appeals table through opendata.export (COPY on PostgreSQL)
    from hromada.apps.communities.models import Community
    from hromada.apps.opendata.export import appeals_csv
    chunks = appeals_csv(Community.objects.get(slug="demo"))
else:  # synthetic rows through iter_csv (the figure measured before the COPY path existed)
    chunks = iter_csv(rows(), [c.name for c in COLUMNS])
t0 = time.perf_counter()
size = lines = 0
secrets = (b"private-mail.test", "Особа Приватна".encode(), "вул. Приватна".encode(), b"+38067")
leaked = False
with open("/dev/null", "wb") as out:
    for chunk in chunks:
        size += len(chunk)
        lines += chunk.count(b"\n")
        leaked = leaked or any(s in chunk for s in secrets)
        out.write(chunk)
elapsed = time.perf_counter() - t0
n = lines - 1
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"rows": n, "bytes": size, "seconds": round(elapsed, 2),
                  "rows_per_s": round(n / elapsed), "peak_rss_mb": round(peak, 1), "personal_data": leaked}))
"""


def prepare(ctx: Context) -> None:
    t0 = time.monotonic()
    out = ctx.manage("shell", "-c", LOAD.format(datasets=DATASETS, resources=RESOURCES_PER_DATASET))
    ctx.log(f"  loaded data sets / resources: {out.strip()} in {time.monotonic() - t0:.0f} s")
    t0 = time.monotonic()
    out = ctx.manage("shell", "-c", LOAD_APPEALS.format(appeals=CSV_ROWS))
    ctx.log(f"  loaded appeals: {out.strip()} in {time.monotonic() - t0:.0f} s")


def _search(ctx: Context, **params: Any) -> str:
    return "/c/demo/api/3/action/package_search?" + urllib.parse.urlencode(params)


def _sequential_p95(ctx: Context, path: str, n: int = 40) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        with urllib.request.urlopen(ctx.url(path), timeout=60) as response:
            body = json.loads(response.read())
        times.append((time.perf_counter() - t0) * 1000)
        assert body["success"], body
    return round(statistics.quantiles(times, n=20)[18], 1)


def run(ctx: Context) -> dict[str, Any]:
    rows1000 = _search(ctx, rows=1000)
    typical = _search(ctx, q="бюджет", rows=20, **{"facet.field": '["organization","res_format","tags"]'})
    # Typical searches first: a rows=1000 load leaves the sync workers a queue of multi-megabyte
    # answers that would time out the harness's 5-second check of the next path.
    endpoints = {
        "search_text": typical,
        "search_fq": _search(ctx, fq="organization:bench-pub-3 res_format:CSV", rows=20),
        "harvest_page": _search(ctx, start=5000, rows=100, sort="id asc"),
        "package_show": "/c/demo/api/3/action/package_show?id=bench-04242",
    }
    figures = ctx.measure_endpoints(endpoints)
    big = ctx.wrk(rows1000, connections=4)
    figures["endpoints"]["search_rows1000_c4"] = {"path": rows1000, **big.as_dict()}
    ctx.log(f"  search_rows1000 with 4 connections: {big.rps:.1f} req/s p99 {big.p99_ms:.0f} ms")
    time.sleep(5)  # let the queue drain
    seq = [(_sequential_p95(ctx, rows1000), _sequential_p95(ctx, typical)) for _ in range(ctx.rounds)]
    figures["rows1000_sequential_p95_ms_rounds"] = [a for a, _ in seq]
    figures["typical_search_sequential_p95_ms_rounds"] = [b for _, b in seq]
    figures["rows1000_sequential_p95_ms"] = statistics.median(a for a, _ in seq)
    figures["typical_search_sequential_p95_ms"] = statistics.median(b for _, b in seq)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hromada.config.settings", "DATABASE_URL": ctx.db_url}
    for mode, prefix in (("database", "csv_export"), ("synthetic", "csv_synthetic")):
        runs = []
        for _ in range(ctx.rounds):
            proc = subprocess.run([sys.executable, "-c", EXPORT, str(CSV_ROWS), mode], capture_output=True,
                                  text=True, check=True, env=env)
            runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
            ctx.log(f"  csv export ({mode}): {runs[-1]}")
        figures[f"{prefix}_rows_per_s_rounds"] = [r["rows_per_s"] for r in runs]
        median = sorted(runs, key=lambda r: r["rows_per_s"])[len(runs) // 2]
        figures.update({f"{prefix}_{k}": v for k, v in median.items()})
        figures[f"{prefix}_peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
    return figures
