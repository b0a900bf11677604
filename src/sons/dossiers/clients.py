"""Who a dossier's client is, as people read it: the name the directory gives (Annuaire santé for a professional,
Base de référence for a centre), with its number, rather than a bare « RPPS 100… »."""

from __future__ import annotations

from collections.abc import Iterable

from sons.directory.models import Centre, Professional


def client_labels(dossiers: Iterable) -> dict[int, dict]:
    """{dossier pk: {name, number, kind}} for the given dossiers, in two queries."""
    dossiers = list(dossiers)
    people = {p.rpps: p for p in Professional.objects.filter(rpps__in={d.rpps for d in dossiers if d.rpps})}
    centres = {
        c.finess_geo: c
        for c in Centre.objects.filter(finess_geo__in={d.finess_geo for d in dossiers if d.finess_geo})
    }
    labels = {}
    for d in dossiers:
        if d.rpps:
            person = people.get(d.rpps)
            name = f"{person.first_name} {person.last_name}".strip() if person else ""
            kind = person.get_profession_display() if person else ""
            labels[d.pk] = {"name": name or "Professionnel absent de l'annuaire", "number": f"RPPS {d.rpps}",
                            "kind": kind}  # fmt: skip
        else:
            centre = centres.get(d.finess_geo)
            labels[d.pk] = {"name": (centre.name if centre else "") or "Centre absent de la Base de référence",
                            "number": f"FINESS {d.finess_geo}", "kind": "Centre de santé infirmier"}  # fmt: skip
    return labels
