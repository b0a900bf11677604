"""The dossiers a principal may reach, for both doors: a supplier's own only, so that another's is a 404."""

from django.shortcuts import get_object_or_404

from sons.suppliers.perms import Principal

from .models import Dossier


def dossiers_for(principal: Principal):
    return Dossier.objects.visible_to(principal).select_related("solution_version")


def dossier_or_404(principal: Principal, dossier_id: int) -> Dossier:
    return get_object_or_404(dossiers_for(principal), pk=dossier_id)
