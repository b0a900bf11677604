"""The contract: the dossier the rules read, its fields, their validation and their JSON Schema.

One declaration serves the parser that turns a dossier into facts (with French errors naming the
field path), the JSON Schema printed by `sons schema`, and the generated parser of the batch
(`fastparse`). The parser takes the JSON form (ISO dates, amounts as strings) and the platform's
own values (`date`, `Decimal`) alike. An absent field reads as null.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from difflib import get_close_matches
from typing import Any

from . import codes
from .identifiers import is_valid_finess, is_valid_rpps

DISPOSITIF = "SFP-LGC-Va2"
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_MONEY = re.compile(r"^-?[0-9]{1,12}(\.[0-9]{1,2})?$")
_MONEY_BOUND = Decimal(10) ** 12


class InvalidDossier(ValueError):
    """Bad input: `path` names the field (`order.lines[0].amount`), `message` says why, in French."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path or 'dossier'} : {message}")
        self.path = path or "dossier"
        self.message = message


class UnknownField(InvalidDossier):
    """A key the contract does not know (a misspelt field, a field in the wrong section): refused rather than
    dropped, so that a dossier is never evaluated without what its author meant to say."""


def unknown_field(section: Section, value: dict, path: str) -> UnknownField:
    unknown = [key for key in value if key not in section.fields]
    key = unknown[0]
    close = get_close_matches(str(key), section.fields, n=1)
    hint = (
        f" ; vouliez-vous dire « {close[0]} » ?"
        if close
        else f" ; champs admis : {', '.join(section.fields)}"
    )
    others = (
        f" (et {len(unknown) - 1} autre(s) : {', '.join(map(str, unknown[1:4]))})" if len(unknown) > 1 else ""
    )
    return UnknownField(_join(path, str(key)), f"champ inconnu{others}{hint}")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class Field:
    """A field of the dossier; `bind` gives it its path once, so parsing builds no path strings."""

    nullable = True
    description = ""
    path = ""

    def __init__(self, description: str = "", *, nullable: bool = True):
        self.description = description
        self.nullable = nullable

    def bind(self, path: str) -> None:
        self.path = path

    def parse(self, value: Any) -> Any:
        if value is None:
            if self.nullable:
                return None
            raise InvalidDossier(self.path, "valeur obligatoire (null n'est pas admis)")
        return self.convert(value, self.path)

    def convert(self, value: Any, path: str) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def base_schema(self) -> dict:  # pragma: no cover - overridden
        raise NotImplementedError

    def schema(self) -> dict:
        schema = self.base_schema()
        if self.description:
            schema["description"] = self.description
        if self.nullable:
            types = schema.get("type")
            if types is None:
                schema = {"anyOf": [schema, {"type": "null"}], "description": self.description}
            else:
                schema["type"] = [*([types] if isinstance(types, str) else types), "null"]
                if "enum" in schema:
                    schema["enum"] = [*schema["enum"], None]
        return schema


class Bool(Field):
    def convert(self, value, path):
        if value is True or value is False:
            return value
        raise InvalidDossier(path, f"booléen attendu (true ou false), reçu {value!r}")

    def base_schema(self):
        return {"type": "boolean"}


class Text(Field):
    def __init__(self, description: str = "", *, nullable: bool = True, max_length: int | None = None):
        super().__init__(description, nullable=nullable)
        self.max_length = max_length

    def convert(self, value, path):
        if isinstance(value, str):
            if self.max_length is not None and not 0 < len(value) <= self.max_length:
                raise InvalidDossier(path, f"texte de 1 à {self.max_length} caractères attendu")
            return value
        raise InvalidDossier(path, f"chaîne de caractères attendue, reçu {value!r}")

    def base_schema(self):
        if self.max_length is not None:
            return {"type": "string", "minLength": 1, "maxLength": self.max_length}
        return {"type": "string"}


class Choice(Field):
    """One code of a list of `codes` (or of a plain tuple of codes)."""

    def __init__(self, choices, description="", *, nullable=True):
        super().__init__(description, nullable=nullable)
        self.choices = tuple(choices)

    def convert(self, value, path):
        if isinstance(value, str) and value in self.choices:
            return value
        allowed = ", ".join(self.choices)
        raise InvalidDossier(path, f"valeur {value!r} non reconnue ; valeurs admises : {allowed}")

    def base_schema(self):
        return {"type": "string", "enum": list(self.choices)}


class Day(Field):
    def convert(self, value, path):
        if type(value) is date:  # a datetime is not a day: it is refused like any other type
            return value
        if isinstance(value, str) and _ISO_DATE.match(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                raise InvalidDossier(path, f"date impossible : {value}") from None
        raise InvalidDossier(path, f"date attendue au format AAAA-MM-JJ, reçu {value!r}")

    def base_schema(self):
        return {"type": "string", "format": "date"}


class Money(Field):
    """An amount in euros: a string with at most two decimals ("270.00"), a JSON number, or a Decimal."""

    def convert(self, value, path):
        if isinstance(value, str) and _MONEY.match(value):
            return Decimal(value)
        if isinstance(value, Decimal):
            if value.is_finite() and abs(value) < _MONEY_BOUND and value.as_tuple().exponent >= -2:
                return value
            raise InvalidDossier(path, f"montant attendu en euros, au plus deux décimales, reçu {value}")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            # A JSON number is taken at its written value (repr), within the bounds of the string form.
            amount = Decimal(repr(value))
            if amount.is_finite() and abs(amount) < _MONEY_BOUND and amount.as_tuple().exponent >= -2:
                return amount
        raise InvalidDossier(
            path, f'montant attendu en euros, au plus deux décimales (ex. "270.00"), reçu {value!r}'
        )

    def base_schema(self):
        return {"type": ["string", "number"], "pattern": _MONEY.pattern}


class Count(Field):
    def convert(self, value, path):
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        raise InvalidDossier(path, f"entier positif ou nul attendu, reçu {value!r}")

    def base_schema(self):
        return {"type": "integer", "minimum": 0}


class Identifier(Field):
    def __init__(self, kind, digits, check, description="", *, nullable=True):
        super().__init__(description, nullable=nullable)
        self.kind, self.digits, self.check = kind, digits, check

    def convert(self, value, path):
        if not isinstance(value, str) or len(value) != self.digits or not value.isdigit():
            raise InvalidDossier(path, f"n° {self.kind} attendu : {self.digits} chiffres, reçu {value!r}")
        if not self.check(value):
            raise InvalidDossier(
                path, f"n° {self.kind} {value} invalide : la clé de contrôle (Luhn) est fausse"
            )
        return value

    def base_schema(self):
        return {"type": "string", "pattern": f"^[0-9]{{{self.digits}}}$"}


class ListOf(Field):
    def __init__(self, item: Field, description="", *, nullable=False, default_empty=True):
        super().__init__(description, nullable=nullable)
        self.item = item
        self.default_empty = default_empty

    def bind(self, path):
        self.path = path
        self.item.bind(f"{path}[]")

    def parse(self, value):
        if value is None and self.default_empty:
            return []
        return super().parse(value)

    def convert(self, value, path):
        if not isinstance(value, list):
            raise InvalidDossier(path, f"liste attendue, reçu {value!r}")
        parse = self.item.parse
        items = []
        for index, item in enumerate(value):
            try:
                items.append(parse(item))
            except InvalidDossier as error:
                raise type(error)(
                    error.path.replace(f"{path}[]", f"{path}[{index}]", 1), error.message
                ) from None
        return items

    def base_schema(self):
        return {"type": "array", "items": self.item.schema()}


class Section(Field):
    """A JSON object of named fields; a key it does not name is refused (`UnknownField`), never ignored."""

    def __init__(self, fields: dict[str, Field], description="", *, nullable=False, required=()):
        super().__init__(description, nullable=nullable)
        self.fields = fields
        self.required = tuple(required)

    def bind(self, path):
        self.path = path
        for key, spec in self.fields.items():
            spec.bind(_join(path, key))
        self._parsers = tuple((key, spec.parse) for key, spec in self.fields.items())

    def parse(self, value):
        if value is None and not self.nullable:
            raise InvalidDossier(self.path, "section manquante")
        return super().parse(value)

    def convert(self, value, path):
        if not isinstance(value, dict):
            raise InvalidDossier(path, f"objet JSON attendu, reçu {type(value).__name__}")
        for key in self.required:
            if key not in value:
                raise InvalidDossier(_join(path, key), "champ obligatoire manquant")
        if not value.keys() <= self.fields.keys():
            raise unknown_field(self, value, path)
        get = value.get
        return {key: parse(get(key)) for key, parse in self._parsers}

    def base_schema(self):
        return {
            "type": "object",
            "properties": {key: spec.schema() for key, spec in self.fields.items()},
            "required": list(self.required),
            "additionalProperties": False,
        }


# Kept for the callers that imported them from here.
SIGNATURES = codes.SIGNATURE_MODES.codes
PROFESSIONS = codes.PROFESSIONS.codes
PROFILES = codes.PROFILES.codes
VA_FUNCTIONS = codes.VA_KEY_FUNCTIONS.codes

SUPPLIER = Section(
    {
        "role": Choice(codes.SUPPLIER_ROLES, "Éditeur ou distributeur", nullable=False),
        "declared_by_publisher": Bool("Distributeur déclaré à l'ANS par l'Éditeur (§4.1)"),
        "publisher_mandate": Bool("Distributeur titulaire d'un mandat de l'Éditeur (§4.1)"),
        "psc_user_service_operator": Bool(
            "Habilitation « Opérateur de service utilisateur » Pro Santé Connect"
        ),
        "enrolment": Choice(codes.ENROLMENT_STATES, "Enrôlement auprès de l'ASP (§6.1)"),
        "vat_liable": Bool("Fournisseur assujetti à la TVA pour la commande (§5.2)"),
        "pilot_validated": Bool("Périmètre pilote validé par l'ANS (§6.3)"),
    },
    "Fournisseur",
    required=("role",),
)
SOLUTION = Section(
    {
        "market": Choice(codes.MARKETS, "Commercialisation (§4.1)"),
        "profiles": ListOf(Choice(codes.PROFILES, nullable=False), "Profils validés au référencement (§4.2)"),
        "complete_dossier_on": Day("Date de dépôt du dossier complet de preuves à l'ANS"),
        "referencing": Choice(codes.REFERENCING, "Référencement ANS"),
        "referenced_on": Day("Date de la décision de référencement"),
    },
    "Solution logicielle",
)
FINESS_GEO = "N° FINESS géographique (9 chiffres, clé de Luhn)"
CENTRE_TYPE = "Type de centre de santé (§1.2, note 3 : seuls les centres de santé infirmiers sont éligibles)"
# Fields added after the contract was fixed (issue 14) read, when absent, as the engine read the dossier
# before them, so that an existing dossier keeps its outcome (docs/simulator-contract.md).
ADDITIONAL_CENTRE = Section(
    {
        "finess_geo": Identifier("FINESS", 9, is_valid_finess, FINESS_GEO, nullable=False),
        "tranche": Choice(codes.TRANCHES, "Tranche de la Base de référence ; null si absent de la base"),
        "centre_type": Choice(codes.CENTRE_TYPES, CENTRE_TYPE),
        "accord_national_2015": Bool("Signataire de l'accord national du 8 juillet 2015"),
        "staff_declared": Bool("Effectifs déclarés à l'Assurance maladie"),
        "other_orders": Count(
            "Autres commandes comportant une Prestation Ségur pour ce centre, tout Fournisseur"
        ),
        "certificate_commitment": Bool(
            "Engagement du représentant du centre (certificat de type organisation)"
        ),
    },
    "Autre centre de santé infirmier du même bon de commande (§4.2, §4.3)",
    required=("finess_geo",),
)
DE_MINIMIS_AID = Section(
    {
        "granted_on": Day("Date d'octroi de l'aide", nullable=False),
        "amount": Money("Montant de l'aide (€)", nullable=False),
        "source": Choice(codes.AID_SOURCES, "Origine de l'aide"),
        "label": Text("Libellé (dispositif, financeur)"),
    },
    "Aide de minimis (règlement (UE) 2023/2832) perçue par le Client",
    required=("granted_on", "amount"),
)
CLIENT_VERSION = Section(
    {
        "version": Text("Version de la Solution installée chez le Client"),
        "version_rank": Count("Rang de cette version dans l'ordre des versions de la Solution"),
        "declared_obsolete": Bool("Version sur la liste des versions obsolètes publiée par l'ANS (§4.3)"),
        "end_announced_on": Day("Arrêt de commercialisation ou de maintenance rendu public le"),
        "latest_in_production_at_date_0": Text("Version la plus récente installée en production à la Date 0"),
        "vague_1_version_rank": Count("Rang de la version référencée en vague 1 ; null : aucune"),
    },
    "Version de la Solution installée chez le Client et sa déclaration d'obsolescence (§4.3)",
    nullable=True,
)

CLIENT = Section(
    {
        "kind": Choice(codes.CLIENT_KINDS, "Professionnel libéral ou centre de santé", nullable=False),
        "rpps": Identifier("RPPS", 11, is_valid_rpps, "N° RPPS (11 chiffres, clé de Luhn)"),
        "profession": Text(
            "Profession (sage_femme, ide, ipa, mk, orthophoniste, orthoptiste, pedicure_podologue)"
        ),
        "practice": Choice(codes.PRACTICES, "Mode d'exercice"),
        "registered_with_order": Bool("Inscription au tableau de l'Ordre"),
        "finess_geo": Identifier(
            "FINESS", 9, is_valid_finess, "N° FINESS géographique (9 chiffres, clé de Luhn)"
        ),
        "tranche": Choice(codes.TRANCHES, "Tranche de la Base de référence ; null si absent de la base"),
        "accord_national_2015": Bool("Signataire de l'accord national du 8 juillet 2015"),
        "staff_declared": Bool("Effectifs déclarés à l'Assurance maladie"),
        "other_orders": Count(
            "Autres commandes comportant une Prestation Ségur pour ce Client, tout Fournisseur"
        ),
        "de_minimis_other_aid": Money("Autres aides de minimis perçues sur trois ans (€)"),
        "centre_type": Choice(codes.CENTRE_TYPES, CENTRE_TYPE),
        "additional_centres": ListOf(
            ADDITIONAL_CENTRE, "Autres centres de santé infirmiers du même bon de commande (§4.2)"
        ),
        "de_minimis_aids": ListOf(
            DE_MINIMIS_AID,
            "Registre daté des aides de minimis du Client, y compris les sommes versées au titre d'autres "
            "dispositifs SONS (§5.1) ; null : seul de_minimis_other_aid est lu",
            nullable=True,
            default_empty=False,
        ),
    },
    "Client",
    required=("kind",),
)
ORDER = Section(
    {
        "in_client_name": Bool("Bon de commande libellé au nom du Client"),
        "issued_on": Day("Date d'émission"),
        "signed_on": Day("Date de signature par le Client"),
        "signature": Choice(codes.SIGNATURE_MODES, "Mode de signature"),
        "lines": ListOf(
            Section(
                {
                    "label": Text(nullable=False),
                    "amount": Money(nullable=False),
                    "finess_geo": Identifier(
                        "FINESS",
                        9,
                        is_valid_finess,
                        "Centre de la ligne, si le bon de commande en couvre plusieurs",
                    ),
                },
                required=("label", "amount"),
            ),
            "Lignes du bon de commande",
        ),
        "vat_rate": Choice(
            codes.VAT_RATES, "Taux de TVA mentionné ; « 0 » : non assujetti ; null : non précisé"
        ),
        "mention_state_funded": Bool(
            "Mention « Montants de la Prestation Ségur pris en charge par l'Etat… »"
        ),
        "mention_conditional_referencing": Bool("Mention de commande conditionnée au référencement"),
        "conditioned_on": ListOf(Choice(codes.ORDER_CONDITIONS, nullable=False)),
        "paid_version_catch_up": Bool("Rattrapage de version payant préalable"),
        "client_version_obsolete": Bool("Version du Client déclarée obsolète à l'ANS"),
        "centre_certificate_commitment": Bool(
            "Engagement du représentant du centre (certificat organisation)"
        ),
        "client_version": CLIENT_VERSION,
    },
    "Bon de commande",
)
BALANCE = Section(
    {
        "advance_validated": Bool("Demande d'avance validée par l'ASP"),
        "completed_on": Day("Date de réalisation complète de la Prestation"),
        "end_of_service_attested_on": Day("Date d'envoi de l'attestation de fin de Prestation"),
        "va": Section(
            {
                "signed_on": Day("Date de signature de la VA"),
                "signature": Choice(codes.SIGNATURE_MODES, "Mode de signature de la VA"),
                "functions": ListOf(
                    Choice(codes.VA_KEY_FUNCTIONS, nullable=False), "Fonctions clés attestées (§4.4)"
                ),
            },
            "Vérification d'aptitude",
        ),
        "invoice": Section(
            {
                "issued_on": Day("Date d'émission"),
                "amount": Money("Montant de la Prestation Ségur facturé"),
                "in_client_name": Bool("Facture libellée au nom du Client"),
            },
            "Facture",
        ),
        "training_delivered": Bool(
            "Formations des utilisateurs réalisées (§3.1 ; §4.4 : exigibles pour le versement du solde)"
        ),
        "advance_paid": Money("Avance versée par l'ASP (€) ; null : 40 % du montant financé à la commande"),
    },
    "Demande de solde",
    nullable=True,
)
DOSSIER = Section(
    {
        "dispositif": Choice((DISPOSITIF,), "Dispositif", nullable=False),
        "date_0": Day("Date 0 (remplace le paramètre)"),
        "request": Choice(codes.REQUESTS, "Demande d'avance ou de solde", nullable=False),
        "filed_on": Day("Date de dépôt (réception par l'ASP)", nullable=False),
        "financing_instructed_on": Day(
            "Date d'instruction de la demande de financement (§5.2 : taux de TVA applicable) ; null : date de dépôt"
        ),
        "supplier": SUPPLIER,
        "solution": SOLUTION,
        "client": CLIENT,
        "order": ORDER,
        "balance": BALANCE,
        # The platform's own fields: the filing names its version in the ANS registry and may carry the
        # supplier's order reference; the rules read neither, so the simulator takes a filing's body as is.
        "solution_version_id": Count(
            "Identifiant de la version de la Solution au registre de l'ANS (plateforme ; les règles ne le lisent pas)"
        ),
        "supplier_reference": Text(
            "Référence de la commande chez le Fournisseur, unique dans son organisation (plateforme ; les règles "
            "ne la lisent pas)",
            max_length=100,
        ),
    },
    "Dossier SONS SFP-LGC-Va2 soumis au simulateur",
    required=("dispositif", "request", "filed_on", "supplier", "solution", "client", "order"),
)
DOSSIER.bind("")


def parse_dossier(data: Any) -> dict:
    """Validated facts of a dossier (dates as `date`, amounts as `Decimal`), or `InvalidDossier`."""
    dossier = DOSSIER.parse(data)
    if dossier["request"] == "balance" and dossier["balance"] is None:
        raise InvalidDossier("balance", "section manquante : une demande de solde doit la renseigner")
    return dossier


def json_schema() -> dict:
    schema = DOSSIER.schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Dossier SONS SFP-LGC-Va2",
        **schema,
    }
