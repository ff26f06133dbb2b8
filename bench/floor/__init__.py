"""The framework's floor, for benchmark servers only: the platform's own settings and URLs plus one
minimal signed-in JSON POST view (`bench.floor.views.floor`).

Nothing under `hromada/` refers to this package, so a deployment never serves the view: only a
server started with `DJANGO_SETTINGS_MODULE=bench.floor.settings` (the `floor` scenario does that)
mounts it, at `/c/<slug>/bench/floor/`.
"""
