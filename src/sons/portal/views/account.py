"""Sign in and out with Django's accounts; `espace/` sends each role to its own space."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from sons.suppliers.enums import Role

from ..access import principal_of

HOME_OF = {
    Role.SUPPLIER_MEMBER: "portal:supplier_home",
    Role.ASP_INSTRUCTOR: "portal:queue",
    Role.ASP_PAYING_AGENT: "portal:batches",
    Role.ANS_AGENT: "portal:ans_home",
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
        self.fields["password"].label = "Mot de passe"
        for field in self.fields.values():  # Django's widgets keep their autocomplete hints
            field.widget.attrs["class"] = "fr-input"


@login_required
def space(request):
    principal = principal_of(request)
    if principal is None:
        raise PermissionDenied("Aucun rôle n'est attribué à ce compte.")
    return redirect(HOME_OF[principal.role])
