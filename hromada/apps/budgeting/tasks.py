"""Background jobs of the participatory budget (the tally job lives beside the tally in results.py)."""

from hromada.apps.budgeting.results import tally_job

__all__ = ["tally_job"]
