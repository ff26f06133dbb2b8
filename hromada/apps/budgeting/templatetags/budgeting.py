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
