"""What each event says, in French: a title and a few lines (the notification centre, the e-mails, digests)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.dateparse import parse_date

from .enums import EventKind

REQUEST = {"advance": "demande d'avance", "balance": "demande de solde"}


def day(value) -> str:
    if isinstance(value, str):
        value = parse_date(value)
    return value.strftime("%d/%m/%Y") if isinstance(value, date) else ""


def euros(value) -> str:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        return ""
    whole, _, cents = f"{amount:,.2f}".partition(".")
    return whole.replace(",", "\u202f") + f",{cents} €"


def link_of(event) -> str:
    try:
        if event.dossier_id:
            path = reverse("portal:dossier", args=[event.dossier_id])
        elif event.kind == EventKind.ENROLMENT_DECIDED or event.payload.get("subject") == "enrolment":
            path = reverse("portal:enrolment")
        elif event.kind == EventKind.PILOT_VALIDATED:
            path = reverse("portal:supplier_pilot")
        else:
            path = reverse("portal:notifications")
    except NoReverseMatch:  # pragma: no cover
        return ""
    return settings.SONS_BASE_URL.rstrip("/") + path


def describe(event) -> dict:
    p = event.payload or {}
    kind = EventKind(event.kind) if event.kind in EventKind.values else None
    title = kind.label if kind else event.kind
    request = REQUEST.get(p.get("request", ""), "demande")
    subject = f"dossier n° {event.dossier_id}" if event.dossier_id else ""
    if p.get("supplier_reference"):
        subject += f" (commande {p['supplier_reference']})"
    lines: list[str] = []
    if kind == EventKind.FILING_RECEIVED:
        lines.append(f"Votre {request} a été reçue le {day(p.get('received_on'))} : cette date de réception est "
                     "la date de la demande (AF §2).")  # fmt: skip
    elif kind == EventKind.COMPLETION_REQUESTED:
        what = "votre demande d'enrôlement" if p.get("subject") == "enrolment" else f"votre {request}"
        lines.append(f"L'ASP vous invite à compléter {what} (AF §6.2, §6.4) : {p.get('message', '')}")
        if p.get("due_on"):
            lines.append(f"Réponse attendue au plus tard le {day(p['due_on'])}.")
    elif kind == EventKind.ANSWER_RECEIVED:
        lines.append(f"Le fournisseur a répondu à la demande de complément : {p.get('message', '')}")
    elif kind == EventKind.VALIDATED:
        lines.append(
            f"Votre {request} a été validée."
            + (f" Montant : {euros(p['amount'])}." if p.get("amount") else "")
        )
        if p.get("subject_to_referencing"):
            lines.append("Le versement attend la décision de référencement de la version par l'ANS.")
    elif kind == EventKind.REJECTED:
        lines.append(f"Votre {request} a été rejetée. Motif : {p.get('reasons', '')}")
        lines += [f"{f['message']} (AF {f['section']})" if f.get("section") else f["message"]
                  for f in p.get("findings", [])]  # fmt: skip
    elif kind == EventKind.PAYMENT_SENT:
        sent = f", lot transmis le {day(p['batch_sent_on'])}" if p.get("batch_sent_on") else ""
        lines.append(
            f"Versement de {euros(p.get('amount'))} au titre de la {request} (lot n° {p.get('batch')}{sent})."
        )
    elif kind == EventKind.PAYMENT_REJECTED:
        lines.append(f"Le paiement de {euros(p.get('amount'))} (lot n° {p.get('batch')}) a été rejeté par la banque : "
                     f"{p.get('reason', '')}. Vérifiez vos coordonnées bancaires.")  # fmt: skip
    elif kind in (EventKind.RECOVERY_OPENED, EventKind.FORMAL_NOTICE, EventKind.REPAYMENT_ORDER,
                  EventKind.REPAYMENT_RECEIVED):  # fmt: skip
        lines.append(f"{title} (AF §7)." + (f" Motif : {p['reason']}" if p.get("reason") else ""))
        if kind == EventKind.REPAYMENT_RECEIVED and p.get("recovered") is not None:
            lines.append(f"Total reversé à ce jour : {euros(p['recovered'])}.")
    elif kind in (
        EventKind.REFERENCING_GRANTED,
        EventKind.REFERENCING_REFUSED,
        EventKind.REFERENCING_WITHDRAWN,
    ):
        lines.append(f"{title} par l'ANS pour la version {p.get('version', '')}"
                     + (f" le {day(p['on'])}." if p.get("on") else "."))  # fmt: skip
    elif kind == EventKind.ENROLMENT_DECIDED:
        verdict = "validée" if p.get("decision") == "validated" else "rejetée"
        lines.append(f"Votre demande d'enrôlement a été {verdict} (AF §6.1)."
                     + (f" Message de l'ASP : {p['message']}" if p.get("message") else ""))  # fmt: skip
    elif kind == EventKind.PILOT_VALIDATED:
        lines.append("L'ANS a validé votre périmètre pilote (AF §6.3).")
    elif kind == EventKind.MESSAGE_RECEIVED:
        lines.append(f"Nouveau message de {p.get('author', '')} : {p.get('excerpt', '')}")
    elif kind == EventKind.REMINDER:
        lines.append(p.get("text", ""))
    return {"title": f"{title} — {subject}" if subject else title, "lines": [line for line in lines if line],
            "link": link_of(event), "kind": event.kind, "id": event.public_id}  # fmt: skip
