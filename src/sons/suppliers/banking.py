"""Bank details a supplier may be paid on: an IBAN of the SEPA zone (the ASP pays by SEPA credit transfer,
pain.001) and its BIC, checked with python-stdnum."""

from __future__ import annotations

from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban

# Countries and territories whose IBANs the SEPA credit transfer scheme reaches (European Payments Council,
# « EPC list of SEPA scheme countries »): the 27 EU member states, the EEA (Iceland, Liechtenstein, Norway),
# Switzerland, the United Kingdom, Monaco, San Marino, Vatican City, Andorra, Gibraltar, the Crown
# dependencies (Guernsey, Jersey, Isle of Man, which use GB IBANs), and since 2025 Albania, Moldova,
# Montenegro and North Macedonia. French overseas departments and collectivities use FR IBANs.
SEPA_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
        "IS",
        "LI",
        "NO",
        "CH",
        "GB",
        "MC",
        "SM",
        "VA",
        "AD",
        "GI",
        "AL",
        "MD",
        "ME",
        "MK",
    ]
)


def compact_iban(value: str) -> str:
    return stdnum_iban.compact(value or "")


def iban_problem(value: str) -> str | None:
    """Why `value` cannot receive the ASP's payments (French), or None."""
    iban = compact_iban(value)
    if not iban:
        return "IBAN obligatoire."
    if not stdnum_iban.is_valid(iban):
        return "IBAN invalide (clé de contrôle ou longueur incorrecte)."
    if iban[:2] not in SEPA_COUNTRIES:
        return f"IBAN hors de la zone SEPA (pays « {iban[:2]} ») : l'ASP ne paie que par virement SEPA."
    return None


def bic_problem(value: str) -> str | None:
    bic = stdnum_bic.compact(value or "")
    if not bic:
        return "BIC obligatoire."
    if not stdnum_bic.is_valid(bic):
        return "BIC invalide (8 ou 11 caractères : banque, pays, lieu, agence)."
    return None


def masked_iban(iban: str) -> str:
    """An IBAN as shown on pages that do not need it whole: country, key and the last four characters."""
    iban = compact_iban(iban)
    return f"{iban[:4]} •••• {iban[-4:]}" if len(iban) > 8 else iban
