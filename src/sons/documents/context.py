"""What the documents say about a dossier, read once from the database and the AF's parameters.

The generator and the upload checks both work from a `DocumentContext`, so that the text printed on a
model and the text sought in an uploaded document come from the same facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sons.directory.enums import Profession
from sons.directory.models import Centre, Professional
from sons.dossiers.enums import ADVANCE_VALIDATED_STATES, ClientKind
from sons.dossiers.models import Dossier
from sons.rules import load_parameters
from sons.rules.amounts import split_lines
from sons.rules.calendar import build_calendar
from sons.rules.order import signed_before
from sons.rules.params import Snapshot


@dataclass(frozen=True)
class DocumentContext:
    dossier_id: int
    p: Snapshot  # the AF's parameters in force on the dossier's order date
    supplier_name: str
    supplier_siren: str
    supplier_vat_liable: bool
    solution_label: str
    publisher_name: str
    client_kind: str
    client_name: str  # as printed: « Jeanne MARTIN », or the centre's raison sociale
    client_name_evidence: str  # what an uploaded document must show to be « au nom du Client » (§4.3)
    client_identifier: str  # « n° RPPS 10001234565 » or « n° FINESS géographique 750000015 »
    client_category: str  # the profession, or « Centre de santé infirmier »
    profession: str | None  # the rules' profession code (IDE qualified IPA → ipa), None for a centre
    amount: Decimal | None  # the « Prestation Ségur » amount of the order (§4.3)
    vat_rate: str | None  # "20", "8.5", "0" (§5.2)
    order_issued_on: date | None
    order_signed_on: date | None
    conditional: bool  # signed (or to be signed) before the solution's referencing (§4.3)
    completed_on: date | None
    va_signed_on: date | None
    va_functions: tuple[str, ...]
    invoice_issued_on: date | None
    invoice_amount: Decimal | None
    end_of_service_attested_on: date | None
    advance_validated: bool
    date_5: date
    date_6: date
    created_on: date
    pilot_ids: tuple[int, ...] = field(default=())

    @property
    def is_centre(self) -> bool:
        return self.client_kind == ClientKind.CENTRE

    @property
    def invoiced(self) -> Decimal | None:
        """The invoice's amount: the one declared with the balance request, else the order's."""
        return self.invoice_amount if self.invoice_amount is not None else self.amount


def segur_amount(dossier: Dossier, p: Snapshot) -> Decimal | None:
    """The order's « Prestation Ségur » amount (the rules' reading of the lines), else the financed one."""
    amounts, _ = split_lines({"lines": dossier.declared["order"]["lines"]}, p.order_texts["segur_line"])
    if amounts:
        return sum((Decimal(str(amount)) for amount in amounts), Decimal("0.00"))
    return dossier.financed


def is_conditional(dossier: Dossier) -> bool:
    version = dossier.solution_version
    if dossier.order_signed_on is None:  # a model to sign now: conditional until the referencing is granted
        return version.referencing != "granted"
    return bool(signed_before(dossier.order_signed_on, version.referencing, version.referenced_on))


def client_identity(dossier: Dossier) -> tuple[str, str, str, str, str | None]:
    """(printed name, name evidence, identifier, category, profession) from the directory."""
    if dossier.client_kind == ClientKind.CENTRE:
        centre = Centre.objects.filter(finess_geo=dossier.finess_geo).first()
        name = centre.name if centre and centre.name else ""
        identifier = f"n° FINESS géographique {dossier.finess_geo}"
        return name or identifier, name or dossier.finess_geo, identifier, ClientKind.CENTRE.label, None
    professional = Professional.objects.filter(rpps=dossier.rpps).first()
    identifier = f"n° RPPS {dossier.rpps}"
    if professional is None:
        return identifier, dossier.rpps, identifier, "Professionnel de santé", None
    name = f"{professional.first_name} {professional.last_name.upper()}".strip()
    profession = professional.rules_profession
    return (
        name or identifier,
        professional.last_name or dossier.rpps,
        identifier,
        Profession(profession).label,
        profession,
    )


def context_for(dossier: Dossier) -> DocumentContext:
    version = dossier.solution_version
    solution = version.solution
    supplier = dossier.supplier
    created_on = dossier.created_at.date() if dossier.created_at else date(2025, 1, 1)
    order, balance = dossier.declared["order"], dossier.declared["balance"] or {}
    va, invoice = balance.get("va") or {}, balance.get("invoice") or {}
    on = order["signed_on"] or order["issued_on"] or created_on
    p = load_parameters().at(on)
    name, evidence, identifier, category, profession = client_identity(dossier)
    calendar = build_calendar(p.date_0, p)
    return DocumentContext(
        dossier_id=dossier.pk,
        p=p,
        supplier_name=supplier.name,
        supplier_siren=supplier.siren,
        supplier_vat_liable=supplier.vat_liable,
        solution_label=f"{solution.name} version {version.version}",
        publisher_name=solution.publisher.name,
        client_kind=dossier.client_kind,
        client_name=name,
        client_name_evidence=evidence,
        client_identifier=identifier,
        client_category=category,
        profession=profession,
        amount=segur_amount(dossier, p),
        vat_rate=order["vat_rate"],
        order_issued_on=order["issued_on"],
        order_signed_on=order["signed_on"],
        conditional=is_conditional(dossier),
        completed_on=balance.get("completed_on"),
        va_signed_on=va.get("signed_on"),
        va_functions=tuple(va.get("functions") or ()),
        invoice_issued_on=invoice.get("issued_on"),
        invoice_amount=invoice.get("amount"),
        end_of_service_attested_on=dossier.end_of_service_attested_on,
        advance_validated=dossier.state in ADVANCE_VALIDATED_STATES,
        date_5=calendar.date_5,
        date_6=calendar.date_6,
        created_on=created_on,
        pilot_ids=tuple(dossier.pilot_set.values_list("pk", flat=True)) if dossier.pk else (),
    )
