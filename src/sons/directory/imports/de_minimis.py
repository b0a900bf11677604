"""`sons import de-minimis FILE [--apply]`: the aids the ASP paid under the other SONS dispositifs, which count
in the client's de minimis ceiling over three rolling years (§5.1: « y compris les sommes déjà perçues au titre
d'autres dispositifs SONS »). The ASP's extract is whole: applying it replaces every aid of that origin, in one
transaction; the client's own declarations and this dispositif's payments are never touched.

Accepted format (docs/imports.md): UTF-8 CSV separated by « ; », a header row `client;date_octroi;montant;dispositif`,
the client by its RPPS (11 digits) or its FINESS géographique (9 characters), the date as AAAA-MM-JJ, the amount in
euros with at most two decimals (« , » or « . »), the dispositif's name.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction

from sons.rules.identifiers import is_valid_finess, is_valid_rpps

from ..enums import AidSource
from ..models import DeMinimisAid
from .reading import RefusedFile, numbered_lines
from .swap import import_alone

HEADER = ["client", "date_octroi", "montant", "dispositif"]
MAX_AMOUNT = Decimal("9999999999.99")


@dataclass
class AidsReport:
    read: int = 0
    clients: int = 0
    total: Decimal = Decimal("0.00")
    by_dispositif: dict[str, int] = field(default_factory=dict)
    replaced: int = 0
    applied: bool = False

    def lines(self) -> list[str]:
        out = [f"Aides lues : {self.read} ({self.clients} clients, {self.total:.2f} € en tout)."]
        out += [f"  {name} : {n}" for name, n in sorted(self.by_dispositif.items())]
        if self.applied:
            out.append(f"Aides remplacées : {self.replaced}.")
        return out


def client_key(text: str) -> str | None:
    if len(text) == 11 and is_valid_rpps(text):
        return f"rpps:{text}"
    if len(text) == 9 and is_valid_finess(text):
        return f"finess:{text}"
    return None


def parse(path: str) -> list[DeMinimisAid]:
    aids = []
    rows = csv.reader((text for _, text in numbered_lines(path, "", "registre de minimis")), delimiter=";")
    for number, row in enumerate(rows, start=1):
        if number == 1:
            if [cell.strip().lstrip("\ufeff") for cell in row] != HEADER:
                raise RefusedFile(path, 1, None, "en-tête attendu : " + ";".join(HEADER))
            continue
        if len(row) != len(HEADER):
            raise RefusedFile(
                path, number, len(row), f"{len(HEADER)} colonnes attendues, {len(row)} trouvées"
            )
        client, granted, amount, dispositif = (cell.strip() for cell in row)
        key = client_key(client)
        if key is None:
            raise RefusedFile(
                path, number, 1, f"n° RPPS (11 chiffres) ou FINESS géographique (9) invalide : « {client} »"
            )
        try:
            granted_on = date.fromisoformat(granted)
        except ValueError:
            raise RefusedFile(
                path, number, 2, f"date attendue au format AAAA-MM-JJ, reçu « {granted} »"
            ) from None
        try:
            value = Decimal(amount.replace(",", "."))
        except InvalidOperation:
            value = None
        if (
            value is None
            or not value.is_finite()
            or value < 0
            or value > MAX_AMOUNT
            or value != value.quantize(Decimal("0.01"))
        ):
            raise RefusedFile(
                path,
                number,
                3,
                f"montant en euros (au plus deux décimales, positif) attendu, reçu « {amount} »",
            )
        if not dispositif:
            raise RefusedFile(path, number, 4, "nom du dispositif SONS manquant")
        aids.append(DeMinimisAid(client_key=key, granted_on=granted_on, amount=value.quantize(Decimal("0.01")),
                                 source=AidSource.SONS, description=dispositif[:300]))  # fmt: skip
    return aids


def import_de_minimis(path: str, *, apply: bool = False) -> AidsReport:
    with import_alone():
        aids = parse(path)
        report = AidsReport(read=len(aids), clients=len({a.client_key for a in aids}),
                            total=sum((a.amount for a in aids), Decimal("0.00")))  # fmt: skip
        for aid in aids:
            report.by_dispositif[aid.description] = report.by_dispositif.get(aid.description, 0) + 1
        if apply:
            with transaction.atomic():  # readers see the previous register until the commit
                report.replaced, _ = DeMinimisAid.objects.filter(source=AidSource.SONS).delete()
                DeMinimisAid.objects.bulk_create(aids, batch_size=2000)
            report.applied = True
        return report
