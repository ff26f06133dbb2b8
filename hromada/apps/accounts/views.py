from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hromada.apps.accounts import actions, backends, oidc
from hromada.apps.accounts.forms import PhoneCodeForm, PhoneForm, RegistrationForm, SignInForm
from hromada.apps.accounts.models import User
from hromada.core.errors import error_page
from hromada.core.ui import cabinet_sections


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(oidc_enabled=oidc.is_enabled(), oidc_provider=oidc.provider_name())
        return context


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


def oidc_login(request: HttpRequest) -> HttpResponse:
    """Send the person to the identity provider (id.gov.ua, BankID, ...)."""
    if not oidc.is_enabled():
        raise Http404
    try:
        return redirect(oidc.begin(request))
    except oidc.OIDCError as exc:
        return error_page(request, 503, _("Sign-in is not available"), str(exc.message), code=exc.code)


def oidc_callback(request: HttpRequest) -> HttpResponse:
    """The provider sends the person back here with a one-time code."""
    if not oidc.is_enabled():
        raise Http404
    try:
        identity = oidc.complete(request)
        user = actions.user_sign_in_with_provider(identity=identity, community=getattr(request, "community", None))
    except oidc.OIDCError as exc:
        return error_page(request, 400, _("Sign-in failed"), str(exc.message), code=exc.code)
    except ValidationError as exc:
        return error_page(request, 400, _("Sign-in failed"), exc.messages[0], code=exc.code or "")
    login(request, user, backend=backends.PATH)
    messages.success(request, _("You are signed in, and your identity is verified."))
    return redirect("accounts:cabinet")


def _form_errors_from(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
def confirm_phone(request: HttpRequest) -> HttpResponse:
    """Two steps on one page: send a code to the number, then type the code."""
    phone_form = PhoneForm(request.POST if "send" in request.POST else None)
    code_form = PhoneCodeForm(request.POST if "confirm" in request.POST else None)
    if request.method == "POST" and "send" in request.POST and phone_form.is_valid():
        try:
            actions.phone_confirmation_start(user=cast(User, request.user), phone=phone_form.cleaned_data["phone"])
        except ValidationError as exc:
            _form_errors_from(phone_form, exc)
        else:
            messages.success(request, _("We sent a code by SMS. Type it below."))
            return redirect("accounts:confirm_phone")
    elif request.method == "POST" and "confirm" in request.POST and code_form.is_valid():
        try:
            actions.phone_confirmation_finish(user=cast(User, request.user), code=code_form.cleaned_data["code"])
        except ValidationError as exc:
            _form_errors_from(code_form, exc)
        else:
            messages.success(request, _("Your phone number is confirmed."))
            return redirect("accounts:cabinet")
    failed = bool(phone_form.errors or code_form.errors)
    return render(request, "accounts/confirm_phone.html", {"phone_form": phone_form, "code_form": code_form},
                  status=400 if failed else 200)
