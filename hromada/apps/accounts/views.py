from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hromada.apps.accounts import actions
from hromada.apps.accounts.forms import RegistrationForm, SignInForm
from hromada.core.ui import cabinet_sections


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm


class SignOutView(auth_views.LogoutView):
    pass


def register(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.user_register(
                email=form.cleaned_data["email"], password=form.cleaned_data["password"],
                full_name=form.cleaned_data["full_name"], community=getattr(request, "community", None),
                language=get_language() or "uk", base_url=actions.site_base_url(request),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error("password", exc.messages)
        else:
            messages.success(request, _("Almost done: we sent you an e-mail with a confirmation link."))
            return redirect("accounts:login")
    return render(request, "accounts/register.html", {"form": form}, status=400 if form.errors else 200)


def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        actions.user_confirm_email(token=token)
    except ValidationError as exc:
        return render(request, "error.html", {"title": _("Confirmation failed"), "message": exc.messages[0]},
                      status=400)
    messages.success(request, _("Your e-mail is confirmed. You can sign in now."))
    return redirect("accounts:login")


@login_required
def cabinet(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/cabinet.html", {"sections": cabinet_sections.public(request)})
