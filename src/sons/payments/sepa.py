"""SEPA credit transfer files (pain.001.001.03) for payment batches.

A batch's file is a pure function of the database: message id from the batch id, creation time = the batch's
preparation time, end-to-end ids from the payment ids, payments in id order. Once the batch is sent, the
creditors are frozen on its payments and the file's SHA-256 on the batch; any regeneration must match it.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import sepaxml
from django.conf import settings
from django.utils import timezone
from sepaxml import SepaTransfer
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from text_unidecode import unidecode

from sons.errors import Invalid

from .enums import PaymentKind
from .models import Payment, PaymentBatch

SCHEMA = "pain.001.001.03"
XSD = Path(sepaxml.__file__).parent / "schemas" / f"{SCHEMA}.xsd"

# The EPC's basic Latin set, which every SEPA bank accepts in names and remittance information.
NOT_SEPA = re.compile(r"[^A-Za-z0-9/?:().,'+ -]")
NAME_LENGTH, REMITTANCE_LENGTH = 70, 140


class SepaRefused(Invalid):
    """The batch cannot be written as a SEPA file (French message naming the supplier and the field)."""


@dataclass(frozen=True)
class Creditor:
    name: str
    iban: str
    bic: str


def sepa_text(value: str, length: int) -> str:
    """Accents transliterated (É → E, œ → oe), « & » as « + », anything else outside the set as a space."""
    text = NOT_SEPA.sub(" ", unidecode(value).replace("&", "+"))
    return " ".join(text.split())[:length].rstrip()


def debtor() -> dict:
    """The ASP's paying account {name, IBAN, BIC}: SONS_ASP_NAME, SONS_ASP_IBAN and SONS_ASP_BIC in production,
    checked at start-up (config/settings/prod.py); a placeholder in development and tests (local.py)."""
    return dict(settings.SONS_ASP_ACCOUNT)


def checked_creditor(organisation) -> Creditor:
    """The supplier's bank details, refused when absent or invalid (never an invalid file)."""
    who = f"Fournisseur « {organisation.name} » (SIREN {organisation.siren})"
    iban = stdnum_iban.compact(organisation.iban or "")
    if not iban or not stdnum_iban.is_valid(iban):
        shown = organisation.iban or "absent"
        raise SepaRefused(
            f"{who} : IBAN invalide ({shown}) ; corrigez-le avant de transmettre le lot.", "iban"
        )
    bic = stdnum_bic.compact(organisation.bic or "")
    if bic and not stdnum_bic.is_valid(bic):
        raise SepaRefused(
            f"{who} : BIC invalide ({organisation.bic}) ; corrigez-le avant de transmettre le lot.", "bic"
        )
    return Creditor(sepa_text(organisation.name, NAME_LENGTH) or f"SIREN {organisation.siren}", iban, bic)


def creditor_of(payment: Payment) -> Creditor:
    if payment.creditor_iban:  # frozen when the batch was sent
        return Creditor(payment.creditor_name, payment.creditor_iban, payment.creditor_bic)
    return checked_creditor(payment.dossier.supplier)


def message_id(batch: PaymentBatch) -> str:
    return f"SONS-LOT-{batch.pk}"


def end_to_end_id(payment: Payment) -> str:
    return f"SONS-PAIEMENT-{payment.pk}"


def local(moment: datetime) -> datetime:
    return timezone.localtime(moment).replace(microsecond=0)


def execution_date(batch: PaymentBatch) -> date:
    """The preparation day: the bank executes a past date on its next business day."""
    return local(batch.prepared_at).date()


def remittance(payment: Payment, batch: PaymentBatch) -> str:
    kind = PaymentKind(payment.kind).label
    text = f"SONS SFP-LGC-Va2 {kind} dossier {payment.dossier_id} lot {batch.pk}"
    return sepa_text(text, REMITTANCE_LENGTH)


class _Transfer(SepaTransfer):
    """sepaxml's transfer with the ids and the creation time given, instead of random ones and now()."""

    def __init__(self, config: dict, *, msg_id: str, created: datetime, info_id: str):
        self._fixed_msg_id, self._created, self._info_id = msg_id, created, info_id
        super().__init__(config, schema=SCHEMA, clean=False)

    def _create_header(self):
        self.msg_id = self._fixed_msg_id
        super()._create_header()
        self._xml.find("CstmrCdtTrfInitn/GrpHdr/CreDtTm").text = self._created.strftime("%Y-%m-%dT%H:%M:%S")

    def _finalize_batch(self):
        super()._finalize_batch()
        for node in self._xml.iter("PmtInfId"):
            node.text = self._info_id


def creditors(batch: PaymentBatch) -> list[tuple[Payment, Creditor]]:
    """The batch's payments in id order with their creditors; refused before any XML is written."""
    payments = list(batch.payments.select_related("dossier__supplier").order_by("pk"))
    if not payments:
        raise SepaRefused(f"Le lot n° {batch.pk} ne contient aucun paiement.", "payments")
    return [(payment, creditor_of(payment)) for payment in payments]


def render(batch: PaymentBatch, paid: list[tuple[Payment, Creditor]]) -> bytes:
    account = debtor()
    config = {"name": sepa_text(account["name"], NAME_LENGTH), "IBAN": account["IBAN"], "BIC": account["BIC"],
              "batch": True, "currency": "EUR"}  # fmt: skip
    transfer = _Transfer(config, msg_id=message_id(batch), created=local(batch.prepared_at),
                         info_id=f"{message_id(batch)}-VIREMENTS")  # fmt: skip
    for payment, creditor in paid:
        cents = int(payment.amount.scaleb(2).to_integral_exact())
        item = {"name": creditor.name, "IBAN": creditor.iban, "amount": cents,
                "execution_date": execution_date(batch), "description": remittance(payment, batch),
                "endtoend_id": end_to_end_id(payment)}  # fmt: skip
        if creditor.bic:
            item["BIC"] = creditor.bic
        transfer.add_payment(item)
    xml = transfer.export(validate=False)
    validate(xml)
    return xml


@functools.cache
def _schema():
    import xmlschema  # imported late, as sepaxml does: it patches ElementTree on import

    return xmlschema.XMLSchema(str(XSD))


def validate(xml: bytes) -> None:
    """Raises xmlschema's error when the file does not follow the pain.001.001.03 schema shipped by sepaxml."""
    _schema().validate(xml.decode())


def sha256(xml: bytes) -> str:
    return hashlib.sha256(xml).hexdigest()


def batch_xml(batch: PaymentBatch) -> bytes:
    """The batch's SEPA file; for a sent batch, checked identical to the file sent (SHA-256)."""
    xml = render(batch, creditors(batch))
    if batch.sepa_sha256 and sha256(xml) != batch.sepa_sha256:
        raise SepaRefused(
            f"Le fichier SEPA régénéré du lot n° {batch.pk} diffère du fichier transmis "
            f"(empreinte {batch.sepa_sha256[:12]}…) : ne le retransmettez pas.",
            "sepa_sha256",
            status=409,
        )
    return xml


def freeze(batch: PaymentBatch) -> bytes:
    """At sending: writes the file from the suppliers' current bank details, then freezes those details on
    the payments and the file's fingerprint on the batch (the caller holds the batch's lock)."""
    paid = creditors(batch)
    xml = render(batch, paid)
    for payment, creditor in paid:
        payment.creditor_name, payment.creditor_iban, payment.creditor_bic = (
            creditor.name,
            creditor.iban,
            creditor.bic,
        )
    Payment.objects.bulk_update(
        [p for p, _ in paid], ["creditor_name", "creditor_iban", "creditor_bic"], 2000
    )
    batch.sepa_sha256 = sha256(xml)
    return xml


def file_name(batch: PaymentBatch) -> str:
    return f"sons-lot-{batch.pk}-{SCHEMA}.xml"
