"""Sign in (password, or ProConnect) and out; `espace/` sends each role to its own space."""

from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sons.accounts import proconnect
from sons.suppliers.enums import Role

from ..access import principal_of

HOME_OF = {
    Role.SUPPLIER_MEMBER: "portal:supplier_home",
    Role.ASP_INSTRUCTOR: "portal:queue",
    Role.ASP_PAYING_AGENT: "portal:batches",
    Role.ASP_ADMIN: "portal:staff_agents",
    Role.ANS_AGENT: "portal:ans_home",
    Role.ANS_ADMIN: "portal:staff_agents",
    Role.ADMIN: "portal:queue",
}


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Identifiant ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Identifiant"
        self.fields[
            "username"
        ].help_text = "Votre adresse électronique, ou l'identifiant qui vous a été donné."
        self.fields["password"].label = "Mot de passe"
        for field in self.fields.values():  # Django's widgets keep their autocomplete hints
            field.widget.attrs["class"] = "fr-input"


class SignInView(auth_views.LoginView):
    template_name = "portal/login.html"
    authentication_form = SignInForm

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "proconnect": proconnect.enabled()}


@login_required
def space(request):
    principal = principal_of(request)
    if principal is None:
        raise PermissionDenied("Aucun rôle n'est attribué à ce compte.")
    return redirect(HOME_OF[principal.role])


@require_POST
def logout(request):
    """Out of SONS, and out of ProConnect too when the session came from it."""
    target = proconnect.provider_logout_url(request)
    auth_logout(request)
    return redirect(target)


def proconnect_unknown(request):
    """A ProConnect identity that matches no account, invitation or organisation: how to join."""
    claims = request.session.get(proconnect.UNKNOWN_SESSION_KEY)
    if not claims:
        return redirect("portal:login")
    return render(request, "portal/account/proconnect_unknown.html", {"claims": claims})
