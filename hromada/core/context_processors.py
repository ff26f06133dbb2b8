from django.http import HttpRequest


def community(request: HttpRequest) -> dict:
    current = getattr(request, "community", None)

    def can_enter_office() -> bool:
        # Asked by the template only for signed-in visitors, so anonymous pages make no query.
        user = getattr(request, "user", None)
        return bool(current is not None and user is not None and user.has_perm("backoffice.enter", current))

    return {"community": current, "can_enter_office": can_enter_office}
