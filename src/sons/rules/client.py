"""§4.2 conditions on the client: eligibility, unicity, the solution's profile."""

from __future__ import annotations

from .codes import CENTRE_TYPES, PROFILES
from .core import BLOCKING, WARNING, confirmed, failed, not_applicable, passed, rule, unknown

BOTH = ("advance", "balance")
# The client's status is checked when the financing is granted; at the balance a change since
# then is reported to the instructor without blocking the payment of a service already rendered.
STATUS = {"advance": BLOCKING, "balance": WARNING}


# What a rule about the other kind of client answers, built once (checks are immutable).
A_CENTRE = not_applicable("Le Client est un centre de santé infirmier.", {"client.kind": "centre"})
A_PROFESSIONAL = not_applicable("Le Client est un professionnel de santé.", {"client.kind": "professional"})


@rule("4.2", *BOTH)
def client_profession_eligible(ctx):
    """§4.2 : IDE, IPA, masseurs-kinésithérapeutes, orthoptistes, orthophonistes, pédicures-podologues,
    sages-femmes."""
    if ctx.is_centre:
        return A_CENTRE
    profession = ctx.client["profession"]
    facts = {"client.profession": profession}
    if profession is None:
        return unknown("Profession du Client non renseignée.", facts)
    if profession not in ctx.p.eligible_professions:
        return failed(f"La profession « {profession} » n'est pas éligible au SONS SFP-LGC-Va2.", facts)
    return passed(facts)


@rule("4.2", *BOTH)
def client_has_rpps(ctx):
    """§4.2 : chaque professionnel dispose « d'un n° RPPS » ; il est identifié par son N° RPPS."""
    if ctx.is_centre:
        return A_CENTRE
    rpps = ctx.client["rpps"]
    facts = {"client.rpps": rpps}
    if rpps is None:
        return failed("Le n° RPPS du Client est absent : il est obligatoire pour un professionnel.", facts)
    return passed(facts)


@rule("4.2", *BOTH, severity=STATUS)
def client_practises_in_cabinet_liberal(ctx):
    """§4.2 : « les professionnels paramédicaux éligibles exerçant en cabinet libéral »."""
    if ctx.is_centre:
        return A_CENTRE
    practice = ctx.client["practice"]
    facts = {"client.practice": practice}
    if practice is None:
        return unknown("Mode d'exercice du Client non renseigné.", facts)
    if practice != "liberal":
        return failed("Le Client n'exerce pas en cabinet libéral (selon le RPPS).", facts)
    return passed(facts)


@rule("4.2", *BOTH, severity=STATUS)
def client_registered_with_ordre(ctx):
    """§4.2 : IDE et IPA, masseurs-kinésithérapeutes, pédicures-podologues et sages-femmes « inscrits à
    l'ordre » ; les orthophonistes et orthoptistes n'ont pas d'Ordre."""
    if ctx.is_centre:
        return A_CENTRE
    profession = ctx.client["profession"]
    registered = ctx.client["registered_with_order"]
    facts = {"client.profession": profession, "client.registered_with_order": registered}
    if profession not in ctx.p.professions_with_ordre:
        return not_applicable("Profession sans Ordre : inscription non exigée.", facts)
    if registered is None:
        return unknown("Inscription du Client au tableau de son Ordre non renseignée.", facts)
    if not registered:
        return failed("Le Client n'est pas inscrit au tableau de l'Ordre de sa profession.", facts)
    return passed(facts)


def finess_list(finess) -> str:
    return ", ".join(finess)


def each_centre_confirmed(ctx, key: str, single_fact: str, missing: str, refused: str):
    """A yes/no fact the AF requires of each centre of the order: unknown when null, failed when no."""
    if not ctx.several_centres:
        return confirmed(single_fact, ctx.centres[0][key], missing, refused)
    values = {centre["finess_geo"]: centre[key] for centre in ctx.centres}
    facts = {f"centres.{key}": values}
    refusing = [finess for finess, value in values.items() if value is False]
    if refusing:
        return failed(f"{refused} (FINESS géographique {finess_list(refusing)})", facts)
    missing_for = [finess for finess, value in values.items() if value is None]
    if missing_for:
        return unknown(f"{missing} (FINESS géographique {finess_list(missing_for)})", facts)
    return passed(facts)


@rule("4.2", *BOTH)
def centre_has_finess_geo(ctx):
    """§4.2 : les centres de santé infirmiers « sont identifiés par leur n° FINESS Géographique »."""
    if not ctx.is_centre:
        return A_PROFESSIONAL
    finess = ctx.client["finess_geo"]
    facts = {"client.finess_geo": finess}
    if finess is None:
        return failed("Le n° FINESS géographique du centre est absent.", facts)
    return passed(facts)


@rule("4.2", *BOTH, severity=STATUS)
def centre_is_centre_de_sante_infirmier(ctx):
    """§4.2 et §1.2 (note 3) : seuls les Centres de santé infirmiers sont éligibles, « hors centres de santé
    polyvalents, médical ou dentaire, qui relèvent de dispositifs distincts »."""
    if not ctx.is_centre:
        return A_PROFESSIONAL
    types = {centre["finess_geo"]: centre["centre_type"] for centre in ctx.centres}
    facts = (
        {"client.centre_type": types} if len(types) > 1 else {"client.centre_type": ctx.client["centre_type"]}
    )
    excluded = [finess for finess, kind in types.items() if kind is not None and kind != "infirmier"]
    if excluded:
        kinds = ", ".join(sorted({CENTRE_TYPES.label(types[finess]).lower() for finess in excluded}))
        where = f" (FINESS géographique {finess_list(excluded)})" if len(types) > 1 else ""
        return failed(
            f"Le Client n'est pas un centre de santé infirmier mais un {kinds}{where} : il relève d'un autre "
            "dispositif SONS.",
            facts,
        )
    if any(c["centre_type"] is None and c["tranche"] is None for c in ctx.centres):
        # Neither declared nor read in the Base de référence: centre_in_base_de_reference says so.
        return not_applicable("Type du centre non renseigné et centre absent de la Base de référence.", facts)
    if any(kind is None for kind in types.values()):
        # The Base de référence lists only centres de santé infirmiers (§1.2): a centre found there is one.
        return passed(facts, value="infirmier (Base de référence)")
    return passed(facts, value="infirmier")


@rule("4.2", *BOTH, severity=STATUS)
def centre_in_base_de_reference(ctx):
    """§4.2 et §5.3 : la Base de référence liste les Centres de santé infirmiers éligibles et associe à
    chaque n° FINESS géographique sa tranche de financement."""
    if not ctx.is_centre:
        return A_PROFESSIONAL
    if ctx.several_centres:
        tranches = {centre["finess_geo"]: centre["tranche"] for centre in ctx.centres}
        absent = [finess for finess, tranche in tranches.items() if tranche is None]
        if absent:
            return failed(
                f"Centre(s) absent(s) de la Base de référence des centres de santé infirmiers : FINESS "
                f"géographique {finess_list(absent)}.",
                {"centres.tranche": tranches},
            )
        return passed({"centres.tranche": tranches})
    tranche = ctx.client["tranche"]
    facts = {"client.finess_geo": ctx.client["finess_geo"], "client.tranche": tranche}
    if tranche is None:
        return failed(
            "Le centre ne figure pas dans la Base de référence des centres de santé infirmiers.", facts
        )
    return passed(facts)


@rule("4.2", *BOTH, severity=STATUS)
def centre_signed_accord_national_2015(ctx):
    """§4.2 : centres « signataires de l'accord national des centres de santé, signé le 8 juillet 2015 »."""
    if not ctx.is_centre:
        return A_PROFESSIONAL
    return each_centre_confirmed(
        ctx,
        "accord_national_2015",
        "client.accord_national_2015",
        "Signature de l'accord national du 8 juillet 2015 non renseignée.",
        "Le centre n'est pas signataire de l'accord national des centres de santé du 8 juillet 2015.",
    )


@rule("4.2", *BOTH, severity=STATUS)
def centre_declared_staff(ctx):
    """§4.2 : centres « ayant satisfait à leurs obligations de déclaration d'effectifs auprès de l'Assurance
    maladie »."""
    if not ctx.is_centre:
        return A_PROFESSIONAL
    return each_centre_confirmed(
        ctx,
        "staff_declared",
        "client.staff_declared",
        "Déclaration des effectifs à l'Assurance maladie non renseignée.",
        "Le centre n'a pas satisfait à ses obligations de déclaration d'effectifs.",
    )


@rule("4.2", *BOTH)
def client_single_segur_order(ctx):
    """§4.2 Unicité : « Chaque Client […] ne peut bénéficier que d'une seule commande comprenant une
    Prestation Ségur au titre du SONS SFP-LGC-Va2 » ; les centres sont identifiés par leur n° FINESS
    géographique, chacun une fois."""
    if ctx.several_centres:
        return _each_centre_single_order(ctx)
    others = ctx.client["other_orders"]
    facts = {"client.other_orders": others}
    if others is None:
        return unknown("Nombre d'autres commandes Ségur du Client non renseigné.", facts)
    if others > 0:
        return failed(
            f"Le Client bénéficie déjà de {others} autre(s) commande(s) comprenant une Prestation Ségur "
            "(tout Fournisseur confondu).",
            facts,
        )
    return passed(facts)


def _each_centre_single_order(ctx):
    finess = [centre["finess_geo"] for centre in ctx.centres]
    others = {centre["finess_geo"]: centre["other_orders"] for centre in ctx.centres}
    facts = {"centres.other_orders": others}
    twice = sorted({key for key in finess if key is not None and finess.count(key) > 1})
    if twice:
        return failed(
            f"Le bon de commande nomme plusieurs fois le même centre : FINESS géographique {finess_list(twice)}.",
            facts,
        )
    ordered = [key for key, count in others.items() if count]
    if ordered:
        return failed(
            "Centre(s) bénéficiant déjà d'une autre commande comprenant une Prestation Ségur (tout Fournisseur "
            f"confondu) : FINESS géographique {finess_list(ordered)}.",
            facts,
        )
    unknown_for = [key for key, count in others.items() if count is None]
    if unknown_for:
        return unknown(
            f"Nombre d'autres commandes Ségur non renseigné pour : FINESS géographique {finess_list(unknown_for)}.",
            facts,
        )
    return passed(facts)


@rule("4.2", *BOTH)
def solution_has_client_profile(ctx):
    """§4.2 : la Solution doit disposer du Profil de la profession du Client ; un Centre de santé
    infirmier exige les Profils « Centre de santé infirmier » et « IDE »."""
    client = ctx.client
    key = "centre" if client["kind"] == "centre" else client["profession"]
    required = ctx.p.required_profiles.get(key or "")
    profiles = ctx.solution["profiles"]
    facts = {"required": required, "solution.profiles": profiles}
    if required is None:
        return not_applicable("Profession non éligible : aucun Profil requis.", facts)
    missing = [p for p in required if p not in profiles]
    if missing:
        labels = ", ".join(f"« {PROFILES.label(p)} »" for p in missing)
        return failed(
            f"La Solution ne dispose pas du ou des Profils requis pour ce Client : {labels}.", facts
        )
    return passed(facts)
