"""What each export lists: its columns (French headers, value kind, labels of the codes) and its filters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from sons import filtering
from sons.directory.enums import Profession
from sons.directory.models import Centre, Professional
from sons.dossiers.enums import ClientKind, DossierState
from sons.dossiers.filters import DOSSIER_FILTERS
from sons.dossiers.models import Dossier
from sons.filtering import Filter, choice_filter, date_filter, ids_filter
from sons.payments.enums import BatchState, PaymentKind, PaymentStatus
from sons.payments.models import Payment
from sons.recoveries.enums import RecoveryGround
from sons.recoveries.filters import RECOVERY_FILTERS
from sons.recoveries.models import RecoveryCase, Repayment


@dataclass(frozen=True)
class Column:
    header: str
    path: str  # a field path or an annotation of the table's queryset, read with values_list
    kind: str = "text"  # text | int | money | date | datetime | label
    labels: dict = field(default_factory=dict)  # code → French label, for kind "label"


def label(header: str, path: str, choices) -> Column:
    return Column(header, path, "label", dict(choices.choices))


@dataclass(frozen=True)
class Table:
    name: str
    title: str  # the XLSX sheet's name
    columns: tuple[Column, ...]
    queryset: Callable[[], QuerySet]
    filters: dict[str, Filter]


def dossiers() -> QuerySet:
    professions = Professional.objects.filter(rpps=OuterRef("rpps")).with_rules_profession()
    centres = Centre.objects.filter(finess_geo=OuterRef("finess_geo"))
    return Dossier.objects.annotate(
        profession=Subquery(professions.values("rules_profession")[:1]),
        tranche=Subquery(centres.values("tranche")[:1]),
    ).order_by("pk")


DOSSIERS = Table(
    name="dossiers",
    title="Dossiers",
    columns=(
        Column("N° dossier", "pk", "int"),
        Column("Fournisseur", "supplier__name"),
        Column("SIREN du fournisseur", "supplier__siren"),
        Column("Solution", "solution_version__solution__name"),
        Column("Version", "solution_version__version"),
        label("État", "state", DossierState),
        label("Type de Client", "client_kind", ClientKind),
        Column("Identifiant du Client", "client_key"),
        Column("Référence de commande du fournisseur", "supplier_reference"),
        label("Profession", "profession", Profession),
        Column("Tranche", "tranche"),
        Column("Commande signée le", "order_signed_on", "date"),
        Column("Demande d'avance déposée le", "advance_filed_on", "date"),
        Column("Demande de solde déposée le", "balance_filed_on", "date"),
        Column("Plafond (€)", "cap", "money"),
        Column("Montant financé (€)", "financed", "money"),
        Column("Avance (€)", "advance_amount", "money"),
        Column("Solde (€)", "balance_amount", "money"),
        Column("Avance versée (€)", "paid_advance", "money"),
        Column("Solde versé (€)", "paid_balance", "money"),
        Column("Reversé (€)", "recovered", "money"),
        Column("Créé le", "created_at", "datetime"),
        Column("Modifié le", "updated_at", "datetime"),
    ),
    queryset=dossiers,
    filters=DOSSIER_FILTERS,
)


PAYMENTS = Table(
    name="payments",
    title="Paiements",
    columns=(
        Column("N° paiement", "pk", "int"),
        Column("N° lot", "batch_id", "int"),
        label("État du lot", "batch__state", BatchState),
        Column("Lot préparé le", "batch__prepared_at", "datetime"),
        Column("Lot transmis le", "batch__sent_at", "datetime"),
        Column("N° dossier", "dossier_id", "int"),
        Column("Fournisseur", "dossier__supplier__name"),
        Column("SIREN du fournisseur", "dossier__supplier__siren"),
        Column("Identifiant du Client", "dossier__client_key"),
        label("Nature", "kind", PaymentKind),
        Column("Montant (€)", "amount", "money"),
        label("Statut", "status", PaymentStatus),
        Column("Comptabilisé le", "booked_on", "date"),
    ),
    queryset=lambda: Payment.objects.order_by("pk"),
    filters={
        "status": choice_filter("status", PaymentStatus),
        "kind": choice_filter("kind", PaymentKind),
        "batch": ids_filter("batch_id"),
        "batch_state": choice_filter("batch__state", BatchState),
        "supplier": ids_filter("dossier__supplier_id"),
        "prepared_from": date_filter("batch__prepared_at__date", "gte"),
        "prepared_to": date_filter("batch__prepared_at__date", "lte"),
    },
)


def recoveries() -> QuerySet:
    repaid = (
        Repayment.objects.filter(case=OuterRef("pk")).order_by().values("case").annotate(total=Sum("amount"))
    )
    money = DecimalField(max_digits=12, decimal_places=2)
    return RecoveryCase.objects.annotate(
        repaid=Coalesce(Subquery(repaid.values("total"), output_field=money), Value(0, output_field=money))
    ).order_by("pk")


RECOVERIES = Table(
    name="recoveries",
    title="Recouvrements",
    columns=(
        Column("N° recouvrement", "pk", "int"),
        Column("N° dossier", "dossier_id", "int"),
        Column("Fournisseur", "dossier__supplier__name"),
        Column("SIREN du fournisseur", "dossier__supplier__siren"),
        Column("Identifiant du Client", "dossier__client_key"),
        label("Motif", "ground", RecoveryGround),
        label("Étape", "dossier__state", DossierState),
        Column("Montant à reverser (€)", "amount", "money"),
        Column("Reversé (€)", "repaid", "money"),
        Column("Ouvert le", "opened_on", "date"),
        Column("Mise en demeure adressée le", "formal_notice_sent_on", "date"),
        Column("Ordre de reversement le", "repayment_ordered_on", "date"),
        Column("Clos le", "closed_on", "date"),
    ),
    queryset=recoveries,
    filters=RECOVERY_FILTERS,
)


def filtered(table: Table, params) -> QuerySet:
    """The table's rows matching every filter of `params`; `BadFilter` names an unknown filter or value."""
    return filtering.filtered(table.queryset(), table.filters, params)


TABLES = {table.name: table for table in (DOSSIERS, PAYMENTS, RECOVERIES)}
