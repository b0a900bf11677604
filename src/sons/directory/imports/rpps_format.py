"""The RPPS extract of the annuaire santé, `PS_LibreAcces_Personne_activite_<horodatage>.txt`: UTF-8,
`|`-separated, a header row, every line ending with a trailing `|`, one line per (person, activity); and the check
of one line, shared by every way of reading the file."""

from sons.rules.identifiers import luhn_ok

HEADER = (
    "Type d'identifiant PP|Identifiant PP|Identification nationale PP|Code civilité d'exercice|"
    "Libellé civilité d'exercice|Code civilité|Libellé civilité|Nom d'exercice|Prénom d'exercice|Code profession|"
    "Libellé profession|Code catégorie professionnelle|Libellé catégorie professionnelle|Code type savoir-faire|"
    "Libellé type savoir-faire|Code savoir-faire|Libellé savoir-faire|Code mode exercice|Libellé mode exercice|"
    "Numéro SIRET site|Numéro SIREN site|Numéro FINESS site|Numéro FINESS établissement juridique|"
    "Identifiant technique de la structure|Raison sociale site|Enseigne commerciale site|"
    "Complément destinataire (coord. structure)|Complément point géographique (coord. structure)|"
    "Numéro Voie (coord. structure)|Indice répétition voie (coord. structure)|"
    "Code type de voie (coord. structure)|Libellé type de voie (coord. structure)|"
    "Libellé Voie (coord. structure)|Mention distribution (coord. structure)|Bureau cedex (coord. structure)|"
    "Code postal (coord. structure)|Code commune (coord. structure)|Libellé commune (coord. structure)|"
    "Code pays (coord. structure)|Libellé pays (coord. structure)|Téléphone (coord. structure)|"
    "Téléphone 2 (coord. structure)|Télécopie (coord. structure)|Adresse e-mail (coord. structure)|"
    "Code Département (structure)|Libellé Département (structure)|Ancien identifiant de la structure|"
    "Autorité d'enregistrement|Code secteur d'activité|Libellé secteur d'activité|"
    "Code section tableau pharmaciens|Libellé section tableau pharmaciens|"
)
COLUMNS = tuple(HEADER.split("|")[:-1])
FIELDS = len(COLUMNS) + 1  # the trailing "|" leaves an empty last field

ID_TYPE = COLUMNS.index("Type d'identifiant PP")
ID_PP = COLUMNS.index("Identifiant PP")
NATIONAL_ID = COLUMNS.index("Identification nationale PP")
LAST_NAME = COLUMNS.index("Nom d'exercice")
FIRST_NAME = COLUMNS.index("Prénom d'exercice")
PROFESSION = COLUMNS.index("Code profession")
SAVOIR_FAIRE = COLUMNS.index("Code savoir-faire")
MODE = COLUMNS.index("Code mode exercice")
STRUCTURE = COLUMNS.index("Identifiant technique de la structure")
AUTHORITY = COLUMNS.index("Autorité d'enregistrement")

RPPS_TYPE, ADELI_TYPE = "8", "0"
# Code profession → the platform's profession (AF §4.2); every other profession is skipped and counted.
PROFESSIONS = {
    "50": "sage_femme",
    "60": "ide",
    "70": "mk",
    "80": "pedicure_podologue",
    "91": "orthophoniste",
    "92": "orthoptiste",
}
MODES = {"L": "liberal", "S": "salaried", "B": "other"}
ID_TYPES = (RPPS_TYPE, ADELI_TYPE)
MAX_LINE = 8_000


def check_line(line: str) -> tuple:
    """("kept", row) | ("skipped", reason) | ("rejected", column, reason) for one line of the extract."""
    fields = line.split("|")
    count = len(fields)
    if len(line) > MAX_LINE or count > FIELDS:
        return ("rejected", min(count, FIELDS + 1), "ligne trop longue")
    if count < FIELDS or fields[-1]:
        return ("rejected", count, "ligne tronquée (champs manquants ou « | » final absent)")
    id_type = fields[0]
    if id_type not in ID_TYPES:
        return ("rejected", 1, "type d'identifiant inconnu (8 RPPS ou 0 ADELI attendu)")
    profession = PROFESSIONS.get(fields[PROFESSION])
    if profession is None:
        return ("skipped", "autre profession")
    if id_type == ADELI_TYPE:
        return ("skipped", "identifiant ADELI (sans RPPS)")
    rpps = fields[ID_PP]
    if len(rpps) != 11 or not rpps.isdigit() or not rpps.isascii() or not luhn_ok(rpps):
        return ("rejected", ID_PP + 1, "n° RPPS invalide (11 chiffres, clé de Luhn)")
    if fields[NATIONAL_ID] != "8" + rpps:
        return ("rejected", NATIONAL_ID + 1, "identification nationale différente de « 8 » + RPPS")
    mode = fields[MODE]
    if mode and mode not in MODES:
        return ("rejected", MODE + 1, "code mode d'exercice inconnu (L, S ou B attendu)")
    return ("kept", (rpps, profession, mode, fields[SAVOIR_FAIRE], fields[AUTHORITY],
                     fields[LAST_NAME], fields[FIRST_NAME], fields[STRUCTURE]))  # fmt: skip
