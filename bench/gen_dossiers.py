"""Write N varied simulator dossiers as JSON lines (advance and balance requests, every profession,
centres, dates around the boundaries, a few bad lines). Deterministic for a given seed.

    python bench/gen_dossiers.py 250000 var/bench/dossiers.jsonl
"""

from __future__ import annotations

import random
import sys
from datetime import date, timedelta
from pathlib import Path

import orjson
from stdnum import luhn

PROFESSIONS = (
    ["ide"] * 52
    + ["mk"] * 30
    + ["orthophoniste"] * 10
    + ["pedicure_podologue"] * 5
    + ["sage_femme"] * 3
    + ["ipa", "orthoptiste", "dieteticien"]
)
DATE_0 = date(2025, 6, 15)


def keyed(rng: random.Random, digits: int) -> str:
    body = "".join(rng.choice("0123456789") for _ in range(digits - 1))
    return body + luhn.calc_check_digit(body)


def day(base: date, rng: random.Random, spread: int) -> str:
    return (base + timedelta(days=rng.randint(-spread, spread))).isoformat()


def dossier(rng: random.Random) -> dict:
    centre = rng.random() < 0.02
    balance = rng.random() < 0.4
    profession = rng.choice(PROFESSIONS)
    filed = date(2026, 7, 1) + timedelta(days=rng.randint(0, 500 if not balance else 700))
    signed = filed - timedelta(days=rng.randint(0, 60))
    amount = rng.choice(["270.00", "225.00", "400.00", "244.13", "270.01", "150.00", "0.00"])
    if centre:
        amount = rng.choice(["1890.00", "2970.00", "5940.00", "4394.25"])
    data = {
        "dispositif": "SFP-LGC-Va2",
        "date_0": DATE_0.isoformat() if rng.random() < 0.5 else None,
        "request": "balance" if balance else "advance",
        "filed_on": filed.isoformat(),
        "supplier": {
            "role": rng.choice(["publisher", "publisher", "distributor"]),
            "declared_by_publisher": rng.random() < 0.95,
            "publisher_mandate": rng.random() < 0.95,
            "psc_user_service_operator": rng.random() < 0.98,
            "enrolment": rng.choice(["validated"] * 18 + ["filed", "rejected"]),
            "vat_liable": rng.random() < 0.9,
            "pilot_validated": rng.random() < 0.9,
        },
        "solution": {
            "market": rng.choice(["open"] * 30 + ["self_edited", "members_only"]),
            "profiles": rng.sample(
                [
                    "ide",
                    "ipa",
                    "mk",
                    "orthophoniste",
                    "orthoptiste",
                    "pedicure_podologue",
                    "sage_femme",
                    "centre_sante_infirmier",
                ],
                rng.randint(3, 8),
            ),
            "complete_dossier_on": day(date(2026, 5, 1), rng, 200),
            "referencing": rng.choice(["granted"] * 20 + ["pending", "refused", "withdrawn"]),
            "referenced_on": day(date(2026, 8, 1), rng, 100),
        },
        "client": {
            "kind": "centre" if centre else "professional",
            "rpps": None if centre else keyed(rng, 11),
            "profession": None if centre else profession,
            "practice": None if centre else rng.choice(["liberal"] * 20 + ["salaried", "other"]),
            "registered_with_order": None if centre else rng.random() < 0.97,
            "finess_geo": keyed(rng, 9) if centre else None,
            "tranche": rng.choice("ABCDE") if centre else None,
            "accord_national_2015": (rng.random() < 0.95) if centre else None,
            "staff_declared": (rng.random() < 0.95) if centre else None,
            "other_orders": rng.choice([0] * 30 + [1]),
            "de_minimis_other_aid": None
            if centre
            else rng.choice(["0.00", "1200.50", "749730.00", "749900.00"]),
        },
        "order": {
            "in_client_name": rng.random() < 0.98,
            "issued_on": (signed - timedelta(days=rng.randint(0, 20))).isoformat(),
            "signed_on": signed.isoformat(),
            "signature": rng.choice(["handwritten", "cpx", "psc", "rgs1", "eidas_simple", "none"]),
            "lines": [{"label": "Prestation Ségur", "amount": amount}]
            + ([{"label": "Option agenda", "amount": "30.00"}] if rng.random() < 0.03 else []),
            "vat_rate": rng.choice(["20"] * 15 + ["8.5", "0", None]),
            "mention_state_funded": rng.random() < 0.97,
            "mention_conditional_referencing": rng.random() < 0.5,
            "conditioned_on": [] if rng.random() < 0.97 else ["paid_option"],
            "paid_version_catch_up": rng.random() < 0.05,
            "client_version_obsolete": rng.random() < 0.5,
            "centre_certificate_commitment": (rng.random() < 0.95) if centre else None,
        },
        "balance": None,
    }
    if balance:
        completed = filed - timedelta(days=rng.randint(0, 30))
        va_signed = completed + timedelta(days=rng.randint(0, 5))
        data["balance"] = {
            "advance_validated": rng.random() < 0.97,
            "completed_on": completed.isoformat(),
            "end_of_service_attested_on": day(date(2028, 2, 1), rng, 30) if rng.random() < 0.3 else None,
            "va": {
                "signed_on": va_signed.isoformat(),
                "signature": rng.choice(["handwritten", "psc", "cpx", "eidas_simple"]),
                "functions": [
                    "psc_login",
                    "ins_qualification",
                    "mss_pro",
                    "mss_patient",
                    "integrate_received",
                    "send_mes",
                    "consult_mes",
                    "segur_documents",
                ][: rng.choice([8] * 20 + [7])],
            },
            "invoice": {
                "issued_on": (va_signed + timedelta(days=rng.randint(-1, 10))).isoformat(),
                "amount": amount,
                "in_client_name": rng.random() < 0.98,
            },
        }
    return data


BAD_LINES = [b'{"dispositif": "SFP-LGC-Va2", "request": ', b'{"dispositif": "SFP-LGC-Va2"}', b"[]"]


def main() -> None:
    count = int(sys.argv[1])
    out = Path(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 2026
    rng = random.Random(seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as sink:
        for number in range(count):
            if number % 1000 == 999:
                sink.write(BAD_LINES[number % len(BAD_LINES)] + b"\n")
            else:
                sink.write(orjson.dumps(dossier(rng)) + b"\n")


if __name__ == "__main__":
    main()
