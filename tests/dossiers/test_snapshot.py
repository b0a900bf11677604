"""The rules' snapshot of a dossier: what the supplier declared, typed, and the facts the platform owns — the
centre's type (§1.2 note 3), the client's dated register of de minimis aids (§5.1, the client's declaration plus
the aids of the three years' window), the ANS's list of obsolete versions (§4.3), the day the ASP instructs the
financing request (§5.2)."""

import copy
from datetime import date
from decimal import Decimal

import pytest

from sons.directory.enums import AidSource, CentreType
from sons.directory.models import DeMinimisAid
from sons.dossiers import actions
from sons.dossiers.snapshot import declared_version, evaluate_dossier, snapshot
from tests.db_factories import CentreFactory, ProfessionalFactory, enrolled_publisher_version, supplier_token
from tests.declarations import redeclare
from tests.factories import BASE

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("granted_on", "counted"),
    [
        (date(2023, 9, 1), False),
        (date(2023, 9, 2), True),
        (date(2026, 9, 1), True),
        (date(2026, 9, 2), False),
    ],
    ids=["three-years-ago", "the-day-after", "today", "tomorrow"],
)
def test_rolling_three_year_window(granted_on, counted):
    DeMinimisAid.objects.create(client_key="rpps:1", amount=Decimal("100.00"), granted_on=granted_on,
                                source=AidSource.PLATFORM)  # fmt: skip
    total = DeMinimisAid.objects.in_window(date(2026, 9, 1), 3).filter(client_key="rpps:1").total()
    assert total == (Decimal("100.00") if counted else Decimal("0.00"))


@pytest.fixture
def filer(today):
    today("2026-09-01")
    version = enrolled_publisher_version()
    principal, _ = supplier_token(version.solution.publisher.organisation)

    def file(client: dict, **order_changes):
        order = {**copy.deepcopy(BASE["order"]), "issued_on": "2026-08-01", **order_changes}
        if "finess_geo" in client:
            order.update(
                lines=[{"label": "Prestation Ségur", "amount": "2970.00"}], centre_certificate_commitment=True
            )
        return actions.file_one(
            principal, {"client": client, "solution_version_id": version.pk, "order": order}
        )

    return file


@pytest.mark.parametrize(
    ("centre_type", "decision"),
    [("", "admissible"), (CentreType.INFIRMIER, "admissible"), (CentreType.DENTAIRE, "not_admissible")],
    ids=["not-recorded", "infirmier", "dentaire"],
)
def test_the_centre_type_comes_from_the_directory(filer, centre_type, decision):
    centre = CentreFactory(centre_type=centre_type)
    dossier = filer({"finess_geo": centre.finess_geo})
    facts = snapshot(dossier, "advance", date(2026, 9, 1))["client"]
    assert facts["centre_type"] == (centre_type or None)
    assert dossier.decision == decision, dossier.findings


def aid(client_key: str, granted_on: date, amount: str, source: str, dossier=None):
    return DeMinimisAid.objects.create(client_key=client_key, granted_on=granted_on, amount=Decimal(amount),
                                       source=source, dossier=dossier, description="aide")  # fmt: skip


def test_the_de_minimis_register_holds_the_declaration_and_the_aids_of_the_window(filer):
    professional = ProfessionalFactory()
    dossier = filer({"rpps": professional.rpps, "de_minimis_other_aid": "1000.00"})
    key = dossier.client_key
    aid(key, date(2023, 9, 1), "500000.00", AidSource.SONS)  # three years to the day: out of the window
    aid(key, date(2023, 9, 2), "700.00", AidSource.SONS)
    aid(key, date(2026, 3, 1), "200.00", AidSource.PLATFORM)
    aid(key, date(2026, 8, 1), "108.00", AidSource.PLATFORM, dossier=dossier)  # this dossier's own advance
    register = snapshot(dossier, "advance", date(2026, 9, 1))["client"]["de_minimis_aids"]
    assert [(a["granted_on"], a["amount"], a["source"]) for a in register] == [
        (date(2026, 9, 1), Decimal("1000.00"), "declaration"), (date(2023, 9, 2), Decimal("700.00"), "sons"),
        (date(2026, 3, 1), Decimal("200.00"), "platform"),
    ]  # fmt: skip


@pytest.mark.parametrize(("sons", "decision"), [("748030.00", "admissible"), ("748030.01", "not_admissible")],
                         ids=["at-the-ceiling", "a-cent-above"])  # fmt: skip
def test_sums_paid_under_other_sons_dispositifs_count_against_the_ceiling(filer, sons, decision):
    professional = ProfessionalFactory()
    aid(f"rpps:{professional.rpps}", date(2025, 1, 1), sons, AidSource.SONS)
    dossier = filer({"rpps": professional.rpps, "de_minimis_other_aid": "1700.00"})
    # 748 030,00 + 1 700,00 + 270,00 = 750 000,00
    assert evaluate_dossier(dossier, "advance", date(2026, 9, 1)).decision == decision


# A paid catch-up (§4.3) reads the Client's version on the ANS's public list of obsolete versions.


def declare(solution, **changes):
    from sons.registry.actions import declare_obsolete
    from sons.suppliers.enums import Role
    from tests.db_factories import staff

    ans, _ = staff(Role.ANS_AGENT, f"ans-{solution.pk}")
    data = {"version": "3", "version_rank": 3, "end_announced_on": date(2025, 1, 10),
            "versions_at_date_0": ["3", "4", "5"], "already_obsolete": [], "latest_in_production_at_date_0": "5",
            "vague_1_version_rank": 4, **changes}  # fmt: skip
    obsolete, outcome = declare_obsolete(ans, solution, data, on=date(2025, 9, 1))
    assert outcome.ok, outcome.findings
    return obsolete


@pytest.mark.parametrize(
    ("declared", "version", "decision"),
    [(True, "3", "admissible"), (False, "3", "not_admissible"), (True, "4", "not_admissible")],
    ids=["on-the-list", "not-on-the-list", "another-version"],
)
def test_a_paid_catch_up_reads_the_public_list_of_obsolete_versions(filer, declared, version, decision):
    professional = ProfessionalFactory()
    dossier = filer({"rpps": professional.rpps, "de_minimis_other_aid": "0.00"})
    if declared:
        obsolete = declare(dossier.solution_version.solution)
        assert (obsolete.latest_in_production_at_date_0, obsolete.vague_1_version_rank) == ("5", 4)
    redeclare(dossier, order={"paid_version_catch_up": True, "client_version_obsolete": None,
                              "client_version": {"version": version}}, save=False)  # fmt: skip
    facts = snapshot(dossier, "advance", date(2026, 9, 1))["order"]["client_version"]
    assert facts["declared_obsolete"] is (declared and version == "3")
    assert evaluate_dossier(dossier, "advance", date(2026, 9, 1)).decision == decision


def test_the_supplier_declares_the_clients_version_with_the_order(filer):
    professional = ProfessionalFactory()
    unnamed = filer({"rpps": professional.rpps, "de_minimis_other_aid": "0.00"})
    assert declared_version(unnamed) == ""
    named = filer(
        {"rpps": ProfessionalFactory().rpps, "de_minimis_other_aid": "0.00"}, client_version={"version": "3"}
    )
    named.refresh_from_db()
    assert declared_version(named) == "3"


# §5.2: the VAT rate in force when the ASP instructs the financing request.


@pytest.mark.parametrize(("validated_on", "financed"), [("2026-12-31", "270.00"), ("2027-01-01", "272.25")],
                         ids=["day-before-the-change", "day-of-the-change"])  # fmt: skip
def test_the_advance_is_validated_at_the_rate_in_force_that_day(
    filer, today, monkeypatch, validated_on, financed
):
    from sons.rules import engine, load_parameters
    from sons.suppliers.enums import Role
    from tests.db_factories import join_pieces, staff

    raised = load_parameters().with_value(
        "vat_rates_in_force", date(2027, 1, 1), {"20": "21", "8.5": "8.5"}, "test"
    )
    monkeypatch.setattr(engine, "load", lambda: raised)
    dossier = filer({"rpps": ProfessionalFactory().rpps, "de_minimis_other_aid": "0.00"})
    assert str(dossier.financed) == "270.00"
    join_pieces(dossier, "advance")  # the signed order, joined after the direct filing (§6.2)
    today(validated_on)
    instructor, _ = staff(Role.ASP_INSTRUCTOR, "instructeur")
    validated = actions.validate(instructor, dossier)
    assert (validated.state, str(validated.financed)) == ("advance_validated", financed)
    assert validated.advance_validated_on == date.fromisoformat(validated_on)
    # The balance reads the day of that instruction, not its own filing date.
    facts = snapshot(validated, "balance", date(2027, 12, 10), instructed_on=validated.advance_validated_on)
    assert facts["financing_instructed_on"] == date.fromisoformat(validated_on)
