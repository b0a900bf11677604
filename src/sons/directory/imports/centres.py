"""`sons import centres FILE [--apply]`: the ANS's Base de référence of centres de santé infirmiers (§4.2, §5.3).

Accepted format (documented in docs/imports.md, sample in docs/samples/base-reference-centres.csv): UTF-8 CSV
separated by « ; », a header row
`finess_geo;raison_sociale;tranche;effectif_reference;accord_national_2015;effectifs_declares[;type_centre]`,
tranche A to E, booleans « oui » / « non », the optional type among the codes of CentreType.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from sons import clock
from sons.rules.identifiers import is_valid_finess

from ..enums import CentreType
from ..models import Centre
from .changes import announce_centres
from .reading import RefusedFile, numbered_lines
from .swap import import_alone

HEADER = [
    "finess_geo",
    "raison_sociale",
    "tranche",
    "effectif_reference",
    "accord_national_2015",
    "effectifs_declares",
]
# The optional seventh column: the centre's type (§1.2 note 3: centres de santé polyvalents, médicaux or dentaires
# are excluded). Left out or empty, the type is not recorded (the Base lists centres de santé infirmiers).
TYPE_COLUMN = "type_centre"
BOOLEANS = {"oui": True, "non": False}


@dataclass
class CentresReport:
    read: int = 0
    tranches: dict[str, int] = field(default_factory=dict)
    diff: dict[str, int] = field(default_factory=dict)
    applied: bool = False
    alerts: int = 0

    def lines(self) -> list[str]:
        out = [f"Centres lus : {self.read}."]
        out += [f"  tranche {t} : {n}" for t, n in sorted(self.tranches.items())]
        if self.diff:
            out.append("Par rapport au chargement précédent : {new} nouveaux, {gone} disparus, {tranche} changements de "
                       "tranche.".format(**self.diff))  # fmt: skip
        return out


def parse(path: str) -> list[Centre]:
    lines = numbered_lines(path, "", "Base de référence")
    centres, seen = [], {}
    for number, row in enumerate(csv.reader((text for _, text in lines), delimiter=";"), start=1):
        if number == 1:
            header = [cell.strip().lstrip("\ufeff") for cell in row]
            if header not in (HEADER, [*HEADER, TYPE_COLUMN]):
                raise RefusedFile(
                    path, 1, None, "en-tête attendu : " + ";".join(HEADER) + f"[;{TYPE_COLUMN}]"
                )
            continue
        if len(row) != len(header):
            raise RefusedFile(
                path, number, len(row), f"{len(header)} colonnes attendues, {len(row)} trouvées"
            )
        finess, name, tranche, staff, accord, declared, *typed = (cell.strip() for cell in row)
        centre_type = typed[0].lower() if typed else ""
        if centre_type and centre_type not in CentreType.values:
            raise RefusedFile(path, number, 7, f"type de centre attendu parmi {', '.join(CentreType.values)} "
                                               f"(ou vide), reçu « {typed[0]} »")  # fmt: skip
        if not is_valid_finess(finess):
            raise RefusedFile(path, number, 1, f"n° FINESS géographique invalide : « {finess} »")
        if finess in seen:
            raise RefusedFile(path, number, 1, f"doublon du FINESS {finess} (ligne {seen[finess]})")
        seen[finess] = number
        if tranche not in "ABCDE" or len(tranche) != 1:
            raise RefusedFile(path, number, 3, f"tranche A à E attendue, reçu « {tranche} »")
        if not staff.isdigit():
            raise RefusedFile(path, number, 4, f"effectif entier attendu, reçu « {staff} »")
        for column, value in ((5, accord), (6, declared)):
            if value.lower() not in BOOLEANS:
                raise RefusedFile(path, number, column, f"« oui » ou « non » attendu, reçu « {value} »")
        centres.append(Centre(finess_geo=finess, name=name[:300], tranche=tranche, reference_staff=int(staff),
                              accord_national_2015=BOOLEANS[accord.lower()], staff_declared=BOOLEANS[declared.lower()],
                              centre_type=centre_type))  # fmt: skip
    return centres


def import_centres(path: str, *, apply: bool = False, on: date | None = None) -> CentresReport:
    with import_alone():
        return _import_centres(path, apply, on or clock.today())


def _import_centres(path: str, apply: bool, on: date) -> CentresReport:
    centres = parse(path)
    report = CentresReport(read=len(centres))
    for centre in centres:
        report.tranches[centre.tranche] = report.tranches.get(centre.tranche, 0) + 1
    live = {c.finess_geo: c.tranche for c in Centre.objects.only("finess_geo", "tranche")}
    incoming = {c.finess_geo: c.tranche for c in centres}
    report.diff = {
        "new": len(incoming.keys() - live.keys()),
        "gone": len(live.keys() - incoming.keys()),
        "tranche": sum(1 for k in incoming.keys() & live.keys() if incoming[k] != live[k]),
    }
    if apply:
        with transaction.atomic():  # readers see the old base until the commit
            report.alerts = announce_centres(live.keys() - incoming.keys(), on)
            Centre.objects.all().delete()
            Centre.objects.bulk_create(centres, batch_size=2000)
        report.applied = True
    return report
