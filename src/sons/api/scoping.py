"""Querysets limited to what the principal may see: a supplier sees only its own (else 404)."""

from django.shortcuts import get_object_or_404

from sons.dossiers.models import Dossier
from sons.suppliers.perms import Principal


def dossiers_for(principal: Principal):
    queryset = Dossier.objects.select_related("solution_version")
    if principal.is_supplier:
        return queryset.filter(supplier_id=principal.organisation_id)
    return queryset


def dossier_or_404(principal: Principal, dossier_id: int) -> Dossier:
    return get_object_or_404(dossiers_for(principal), pk=dossier_id)
