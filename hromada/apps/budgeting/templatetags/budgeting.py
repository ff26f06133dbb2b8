from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """`{{ chosen|get_item:project.pk }}`: a dict lookup with a variable key."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


_STATUS_COLOURS = {
    "draft": "grey", "submitted": "blue", "on_moderation": "blue", "rejected": "red", "published": "blue",
    "under_review": "yellow", "feasible": "green", "feasible_changed_cost": "green", "not_feasible": "red",
    "appealed": "orange", "appeal_upheld": "green", "appeal_rejected": "red", "on_ballot": "purple",
    "winner": "green", "not_funded": "grey", "implementation": "yellow", "implemented": "green", "withdrawn": "grey",
}


@register.filter
def status_colour(status: Any) -> str:
    """The tag colour of a project status; the status word carries the meaning, the colour only helps."""
    return _STATUS_COLOURS.get(str(status), "grey")
