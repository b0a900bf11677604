"""`sons gen rpps --rows N OUT`: a synthetic extract in exactly the real format, for tests and benchmarks."""

from __future__ import annotations

import random
from pathlib import Path

from sons.rules.identifiers import with_luhn_key

from .rpps_format import COLUMNS, HEADER

# Shares roughly those of the annuaire: many physicians and pharmacists (skipped), then nurses, physios…
PROFESSION_WEIGHTS = [
    ("10", "Médecin", 24), ("21", "Pharmacien", 9), ("40", "Chirurgien-Dentiste", 5), ("60", "Infirmier", 33),
    ("70", "Masseur-Kinésithérapeute", 15), ("91", "Orthophoniste", 4), ("80", "Pédicure-Podologue", 2),
    ("50", "Sage-Femme", 3), ("92", "Orthoptiste", 1), ("26", "Audioprothésiste", 1), ("28", "Opticien-Lunetier", 3),
]  # fmt: skip
MODES = [("L", "Libéral", 55), ("S", "Salarié", 42), ("B", "Bénévole", 3)]
AUTHORITIES = {"60": "ONI/RPPS", "70": "CNOMK/RPPS", "80": "CNOPP/RPPS", "50": "CNOSF/RPPS", "10": "CNOM/RPPS",
               "21": "CNOP/RPPS", "40": "CNOCD/RPPS"}  # fmt: skip
LAST_NAMES = ["MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND", "LEROY", "MOREAU",
              "LEFÈVRE", "FAURÉ", "MÜLLER", "GIRAUD", "BOËL", "N'DIAYE", "DE LA FONTAINE", "ÉTIENNE", "CÔTÉ"]  # fmt: skip
FIRST_NAMES = ["Claire", "Hugo", "Inès", "Louis", "Zoé", "Noé", "Léa", "Anaïs", "Jérôme", "Françoise", "Chloé",
               "Gaëlle", "Raphaël", "Maëlys", "Joël"]  # fmt: skip
CITIES = [("75011", "75111", "Paris 11e"), ("69003", "69383", "Lyon 3e"), ("13005", "13205", "Marseille 5e"),
          ("97200", "97209", "Fort-de-France"), ("59000", "59350", "Lille"), ("31000", "31555", "Toulouse")]  # fmt: skip


def _pick(rng: random.Random, weighted):
    return rng.choices(weighted, weights=[w[-1] for w in weighted])[0]


def lines(rows: int, seed: int = 2026):
    """`rows` activity lines (several for some persons), header excluded."""
    rng = random.Random(seed)
    written = person = 0
    while written < rows:
        person += 1
        code, label, _ = _pick(rng, PROFESSION_WEIGHTS)
        adeli = code in ("26", "28") and rng.random() < 0.5
        number = with_luhn_key(f"1{person:09d}")
        last, first = rng.choice(LAST_NAMES), rng.choice(FIRST_NAMES)
        ipa = code == "60" and rng.random() < 0.01
        for activity in range(min(rows - written, 1 if rng.random() < 0.85 else rng.randint(2, 3))):
            mode, mode_label, _ = _pick(rng, MODES)
            postal, commune, city = rng.choice(CITIES)
            fields = [""] * len(COLUMNS)
            fields[0] = "0" if adeli else "8"
            fields[1] = f"{person:09d}" if adeli else number
            fields[2] = f"0{person:09d}" if adeli else "8" + number
            civility = ("MME", "Madame") if person % 2 else ("M", "Monsieur")
            fields[3:9] = [*civility, "", "", last, first]
            fields[9], fields[10] = code, label
            fields[11], fields[12] = "C", "Civil"
            if ipa:
                fields[13:17] = ["PAC", "Pratique avancée", "IPA_PCS", "Pathologies chroniques stabilisées"]
            fields[17], fields[18] = mode, mode_label
            if mode == "L":
                fields[19] = with_luhn_key(f"{rng.randint(10_000_000_000_0, 99_999_999_999_9)}")[:14]
            fields[23] = f"S{person:08d}{activity}"
            fields[24] = "" if rng.random() < 0.3 else f"Cabinet {last.title()}"
            fields[28], fields[31], fields[32] = (
                str(rng.randint(1, 200)),
                "rue",
                f"de la République {activity}",
            )
            fields[35], fields[36], fields[37] = postal, commune, city
            fields[38], fields[39] = "99000", "France"
            fields[44], fields[45] = postal[:2], city.split()[0]
            fields[47] = AUTHORITIES.get(code, "ARS/ADELI/RPPS") if not adeli else "ARS/ADELI"
            fields[48], fields[49] = (
                ("SA07", "Cabinet individuel") if mode == "L" else ("SA01", "Établissement de santé")
            )
            written += 1
            yield "|".join(fields) + "|"


def write(path: Path, rows: int, seed: int = 2026) -> int:
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(HEADER + "\n")
        count = 0
        for line in lines(rows, seed):
            out.write(line + "\n")
            count += 1
    return count
