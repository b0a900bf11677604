"""API tokens, listed and revoked by their owner: a supplier sees its organisation's tokens, a staff user
their own. A revoked token stops working at once (sons.api.auth checks every request)."""

from datetime import datetime
from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from sons.suppliers.actions import revoke_token
from sons.suppliers.models import ApiToken

from ..schemas import ErrorOut

router = Router(tags=["Jetons"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class TokenOut(Schema):
    id: int
    label: str
    prefix: str
    created_at: datetime
    expires_at: datetime
    state: Annotated[
        str,
        Field(
            description="Valeurs : `active` : actif ; `revoked` : révoqué ; `expired` : expiré.",
            json_schema_extra={"enum": ["active", "revoked", "expired"]},
        ),
    ]


def tokens_of(principal):
    """An organisation's administrators (and its own systems' token) see all its tokens; another member only
    their own."""
    if principal.is_supplier:
        tokens = ApiToken.objects.filter(organisation_id=principal.organisation_id)
        if principal.is_organisation_admin or principal.member_role is None:
            return tokens
        return tokens.filter(user=principal.user)
    return ApiToken.objects.filter(user=principal.user, organisation__isnull=True)


def token_out(token: ApiToken) -> dict:
    return {"id": token.pk, "label": token.label, "prefix": f"sons_{token.prefix}…", "created_at": token.created_at,
            "expires_at": token.expires_at, "state": token.state}  # fmt: skip


@router.get("/tokens", response={200: list[TokenOut], **ERRORS}, summary="Lister ses jetons d'API")
def list_tokens(request):
    return Status(200, [token_out(t) for t in tokens_of(request.principal).order_by("-created_at")])


@router.post("/tokens/{token_id}/revoke", response={200: TokenOut, **ERRORS},
             summary="Révoquer un de ses jetons (effet immédiat)")  # fmt: skip
def revoke(request, token_id: int):
    token = get_object_or_404(tokens_of(request.principal), pk=token_id)
    return Status(200, token_out(revoke_token(request.principal, token)))
