"""The dossier snapshot the rules evaluate: the supplier's declaration as declared, plus the facts the ANS, the
ASP and the directory own, read from the database (never from the filer), with real dates and amounts.

A `Facts` cache answers for many dossiers at once (bulk filing) with a few queries in all.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count

from sons.directory.enums import AidSource
from sons.directory.models import Centre, DeMinimisAid, Professional
from sons.registry.enums import Referencing
from sons.registry.models import DistributorDeclaration, ObsoleteVersion, SolutionVersion
from sons.rules import Evaluation, evaluate, load_parameters, parse_dossier
from sons.suppliers.enums import EnrolmentState
from sons.suppliers.models import Organisation

from .enums import ADVANCE_VALIDATED_STATES, ClientKind, PilotState
from .models import Dossier, Pilot, centres_reserved, order_finess

ENROLMENT_FACT = {
    EnrolmentState.FILED: "filed",
    EnrolmentState.TO_COMPLETE: "filed",
    EnrolmentState.VALIDATED: "validated",
    EnrolmentState.REJECTED: "rejected",
}


def client_key(kind: str, rpps: str = "", finess_geo: str = "") -> str:
    return f"rpps:{rpps}" if kind == ClientKind.PROFESSIONAL else f"finess:{finess_geo}"


class Facts:
    """Facts owned by the ANS, the ASP and the directory, loaded once for a set of dossiers."""

    def __init__(self, dossiers: list[Dossier], suppliers: list[Organisation] = ()):
        """`suppliers` already loaded (with their enrolment) are not read again."""
        supplier_ids = {d.supplier_id for d in dossiers}
        version_ids = {d.solution_version_id for d in dossiers}
        known = {o.pk: o for o in suppliers if o.pk in supplier_ids}
        missing = supplier_ids - set(known)
        if missing:
            known.update(Organisation.objects.select_related("enrolment").in_bulk(missing))
        self.suppliers = known
        self.enrolments = {
            pk: getattr(getattr(o, "enrolment", None), "state", None) for pk, o in known.items()
        }
        self.versions = SolutionVersion.objects.select_related("solution__publisher").in_bulk(version_ids)
        distributed = {
            v.solution_id
            for v in self.versions.values()
            if set(supplier_ids) - {v.solution.publisher.organisation_id}
        }
        self.declarations = {}
        if distributed:  # a publisher filing for its own solution needs no declaration
            self.declarations = {
                (d.solution_id, d.distributor_id): d
                for d in DistributorDeclaration.objects.filter(
                    solution_id__in=distributed, distributor_id__in=supplier_ids
                )
            }
        self.pilots = set(
            Pilot.objects.filter(
                supplier_id__in=supplier_ids, solution_version_id__in=version_ids, state=PilotState.VALIDATED
            ).values_list("supplier_id", "solution_version_id")
        )
        rpps = {d.rpps for d in dossiers if d.client_kind == ClientKind.PROFESSIONAL}
        centre_orders = [d for d in dossiers if d.client_kind == ClientKind.CENTRE]
        finess = {key for d in centre_orders for key in order_finess(d)}
        self.professionals = {p.rpps: p for p in Professional.objects.filter(rpps__in=rpps)} if rpps else {}
        self.centres = (
            {c.finess_geo: c for c in Centre.objects.filter(finess_geo__in=finess)} if finess else {}
        )
        # The filed orders holding each centre (§4.2), the client's own or named among several.
        self.centres_held = centres_reserved(finess) if finess else {}
        keys = self.keys = {d.client_key for d in dossiers}
        self._platform_aid: dict[date, dict] = {}
        self.filed_orders = dict(  # the orders that hold their client (never a draft)
            Dossier.objects.reserving()
            .filter(client_key__in=keys)
            .values_list("client_key")
            .annotate(n=Count("pk"))
        )
        self.parameters = load_parameters()
        named = {(v.solution_id, version) for d in dossiers if (version := declared_version(d))
                 for v in [self.versions[d.solution_version_id]]}  # fmt: skip
        self.obsolete = {}
        if named:
            rows = ObsoleteVersion.objects.filter(
                solution_id__in={solution for solution, _ in named},
                version__in={version for _, version in named},
            )
            self.obsolete = {(row.solution_id, row.version): row for row in rows}

    def other_orders(self, dossier: Dossier) -> int:
        count = self.filed_orders.get(dossier.client_key, 0)
        return count - 1 if dossier.pk and dossier.reserves_client else count

    def centre_orders(self, dossier: Dossier, finess: str) -> int:
        """The other filed orders that hold the centre `finess` (this dossier's own excepted)."""
        count = self.centres_held.get(finess, 0)
        return count - 1 if count and dossier.pk and dossier.reserves_client else count

    def taken_centre(self, dossier: Dossier) -> str | None:
        """A centre of this centre's order that another filed order already holds (§4.2), if any."""
        if dossier.client_kind != ClientKind.CENTRE:
            return None
        return next((key for key in order_finess(dossier) if self.centre_orders(dossier, key)), None)

    def de_minimis_aids(self, dossier: Dossier, on: date) -> list[dict] | None:
        """The client's dated register of de minimis aids (§5.1), as the rules read it: the client's
        declaration of its other aids (at the filing date), then the register's aids of the window (this
        platform's payments, the ASP's payments under other SONS dispositifs), this dossier's own excepted.
        None for a centre, or when the client has declared nothing."""
        declared = dossier.declared["client"]["de_minimis_other_aid"]
        if dossier.client_kind == ClientKind.CENTRE or declared is None:
            return None
        aids = [{"granted_on": on, "amount": declared,
                 "source": AidSource.DECLARATION.value, "label": "Déclaration du Client : autres aides sur trois ans"}]  # fmt: skip
        for dossier_id, granted_on, amount, source, label in self.register(on).get(dossier.client_key, ()):
            if dossier_id is None or dossier_id != dossier.pk:
                aids.append({"granted_on": granted_on, "amount": amount, "source": source, "label": label})
        return aids

    def register(self, on: date) -> dict[str, list[tuple]]:
        """One query for all the dossiers: the register's aids per client, in the window ending `on`."""
        if on not in self._platform_aid:
            years = self.parameters.at(on).de_minimis_window_years
            rows = (
                DeMinimisAid.objects.in_window(on, years)
                .filter(client_key__in=self.keys)
                .order_by("granted_on", "pk")
                .values_list("client_key", "dossier_id", "granted_on", "amount", "source", "description")
            )
            by_client: dict[str, list[tuple]] = {}
            for key, *aid in rows:
                by_client.setdefault(key, []).append(tuple(aid))
            self._platform_aid[on] = by_client
        return self._platform_aid[on]


def snapshot(
    dossier: Dossier,
    request: str,
    filed_on: date,
    facts: Facts | None = None,
    instructed_on: date | None = None,
) -> dict:
    """The dossier as the simulator contract describes it, with real dates and amounts: what the supplier declared
    (its order, its balance request) as declared, and the facts the ANS, the ASP and the directory own;
    `instructed_on`: the day the financing request is (or was) instructed, when known (§5.2)."""
    facts = facts or Facts([dossier])
    supplier = facts.suppliers[dossier.supplier_id]
    version = facts.versions[dossier.solution_version_id]
    solution = version.solution
    is_publisher = solution.publisher.organisation_id == supplier.pk
    declaration = None if is_publisher else facts.declarations.get((solution.pk, supplier.pk))
    declared = dossier.declared
    data = {
        "dispositif": "SFP-LGC-Va2",
        "request": request,
        "filed_on": filed_on,
        "financing_instructed_on": instructed_on,
        "supplier": {
            "role": "publisher" if is_publisher else "distributor",
            "declared_by_publisher": None if is_publisher else declaration is not None,
            "publisher_mandate": None if is_publisher else bool(declaration and declaration.mandate),
            "psc_user_service_operator": supplier.psc_user_service_operator,
            "enrolment": ENROLMENT_FACT.get(facts.enrolments.get(supplier.pk), "none"),
            "vat_liable": supplier.vat_liable,
            "pilot_validated": (supplier.pk, version.pk) in facts.pilots,
        },
        "solution": {
            "market": solution.market,
            "profiles": list(version.profiles),
            "complete_dossier_on": version.complete_dossier_on,
            "referencing": version.referencing,
            "referenced_on": version.withdrawn_on
            if version.referencing == Referencing.WITHDRAWN
            else version.referenced_on,
        },
        "client": client_facts(dossier, facts, filed_on),
        "order": {**declared["order"], "client_version": client_version(dossier, facts, solution.pk)},
        "balance": None,
    }
    if request == "balance":
        data["balance"] = {
            **(declared["balance"] or {}),
            "advance_validated": dossier.state in ADVANCE_VALIDATED_STATES,
            "end_of_service_attested_on": dossier.end_of_service_attested_on,
            "advance_paid": dossier.paid_advance or None,
        }
    return data


def declared_version(dossier: Dossier) -> str:
    """The version installed at the Client, as the supplier names it in its order ("" when it names none)."""
    version = dossier.declared["order"]["client_version"]
    return (version or {}).get("version") or ""


def client_version(dossier: Dossier, facts: Facts, solution_id: int) -> dict | None:
    """The Client's version as the supplier declares it, with its obsolescence declaration from the ANS's
    public list (§4.3), or None when the supplier names no version."""
    named = declared_version(dossier)
    if not named:
        return None
    row = facts.obsolete.get((solution_id, named))
    if row is None:
        return {"version": named, "declared_obsolete": False}
    return {
        "version": row.version,
        "version_rank": row.rank,
        "declared_obsolete": True,
        "end_announced_on": row.end_announced_on,
        "latest_in_production_at_date_0": row.latest_in_production_at_date_0 or None,
        "vague_1_version_rank": row.vague_1_version_rank,
    }


def client_facts(dossier: Dossier, facts: Facts, on: date) -> dict:
    base = {
        "kind": dossier.client_kind, "rpps": None, "profession": None, "practice": None,
        "registered_with_order": None, "finess_geo": None, "tranche": None, "accord_national_2015": None,
        "staff_declared": None, "other_orders": facts.other_orders(dossier),
        "de_minimis_other_aid": None, "de_minimis_aids": facts.de_minimis_aids(dossier, on), "centre_type": None,
        "additional_centres": [],
    }  # fmt: skip
    if dossier.client_kind == ClientKind.PROFESSIONAL:
        base["rpps"] = dossier.rpps
        professional = facts.professionals.get(dossier.rpps)
        if professional is not None:
            base["profession"] = professional.rules_profession
            base["practice"] = professional.practice
            base["registered_with_order"] = professional.registered_with_order
    else:
        base["finess_geo"] = dossier.finess_geo
        centre = facts.centres.get(dossier.finess_geo)
        if centre is not None:
            base["tranche"] = centre.tranche or None
            base["accord_national_2015"] = centre.accord_national_2015
            base["staff_declared"] = centre.staff_declared
            base["centre_type"] = centre.centre_type or None
        base["other_orders"] = facts.centre_orders(dossier, dossier.finess_geo)
        base["additional_centres"] = [
            centre_facts(facts, dossier, declared)
            for declared in dossier.declared["client"]["additional_centres"]
        ]
    return base


def centre_facts(facts: Facts, dossier: Dossier, declared: dict) -> dict:
    """Another centre of the order (§4.2): who the supplier names and its commitment (§4.3), the directory's
    facts (the Base de référence) and the filed orders holding it."""
    finess = declared["finess_geo"]
    centre = facts.centres.get(finess)
    return {
        "finess_geo": finess,
        "tranche": (centre.tranche or None) if centre else None,
        "centre_type": (centre.centre_type or None) if centre else None,
        "accord_national_2015": centre.accord_national_2015 if centre else None,
        "staff_declared": centre.staff_declared if centre else None,
        "other_orders": facts.centre_orders(dossier, finess),
        "certificate_commitment": declared["certificate_commitment"],
    }


def evaluate_dossier(
    dossier: Dossier,
    request: str,
    filed_on: date,
    facts: Facts | None = None,
    instructed_on: date | None = None,
) -> Evaluation:
    """Ask the rules engine, the only place where decisions are computed."""
    return evaluate(parse_dossier(snapshot(dossier, request, filed_on, facts, instructed_on)))
