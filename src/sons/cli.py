"""The `sons` command: the simulator and the reference tables of the AF (French output)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

from . import clock
from .batch import dumps, run_batch
from .rules import InvalidDossier, json_schema, load_parameters
from .rules.calendar import CalendarOutOfRange, build_calendar
from .rules.codes import PROFILES
from .rules.explain import bareme_table, render_calendar, render_text
from .rules.money import euros_fr
from .rules.params import ParameterNotInForce
from .simulator import evaluate_json

EXIT_BAD_INPUT = 2


class UsageError(Exception):
    pass


class FrenchArgumentParser(argparse.ArgumentParser):
    def error(self, message: str):
        raise UsageError(f"arguments invalides ({message}). Voir « {self.prog} --help ».")


def iso_date(field: str):
    def parse(value: str) -> date:
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{field} : date attendue au format AAAA-MM-JJ, reçu « {value} »"
            ) from None

    return parse


def read_input(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(name).read_bytes()
    except OSError as error:
        raise UsageError(f"fichier illisible « {name} » : {error.strerror}") from None


def write(data: bytes | str) -> None:
    if isinstance(data, str):
        data = data.encode()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def cmd_evaluate(args) -> int:
    if args.batch:
        if args.batch == "-":
            run_batch(
                sys.stdin.buffer,
                sys.stdout.buffer,
                workers=args.workers,
                explain=args.explain,
                date_0=args.date_0,
            )
            return 0
        try:
            source = open(args.batch, "rb")  # noqa: SIM115 - closed below, streamed line by line
        except OSError as error:
            raise UsageError(f"fichier illisible « {args.batch} » : {error.strerror}") from None
        with source:
            run_batch(
                source, sys.stdout.buffer, workers=args.workers, explain=args.explain, date_0=args.date_0
            )
        return 0
    if args.file is None:
        raise UsageError(
            "indiquez un fichier de dossier, « - » pour l'entrée standard, ou --batch FICHIER.jsonl"
        )
    evaluation = evaluate_json(read_input(args.file), args.date_0)
    if args.json:
        write(dumps(evaluation.as_dict(args.explain), indent=True) + b"\n")
    else:
        write(render_text(evaluation, explain=args.explain))
    return 0


def cmd_calendar(args) -> int:
    parameters = load_parameters()
    p = parameters.at(args.on or clock.today())
    calendar = build_calendar(args.date_0 or p.date_0, p)
    if args.json:
        write(dumps({"dates": calendar.as_dict()}, indent=True) + b"\n")
    else:
        write(render_calendar(calendar.as_dict()))
    return 0


def render_bareme(table: dict, p) -> str:
    def row(label, values):
        cells = "".join(f"{euros_fr(Decimal(values[c])):>18}" for c in table["columns"])
        return f"{label:<12}{cells}\n"

    header = f"{'':<12}{'TTC (TVA 20 %)':>18}{'TTC (TVA 8,5 %)':>18}{'HT':>18}\n"
    out = "Barème des prix plafonds de la Prestation Ségur (AF §5.3)\n\nProfessionnels exerçant en cabinet libéral\n"
    out += header
    for number, values in enumerate(table["professionals"].values(), start=1):
        professions = ", ".join(PROFILES.labels(values["professions"]))
        out += row(f"Ligne {number}", values) + f"{'':<12}({professions})\n"
    out += "\nCentres de santé infirmiers (tranche de la Base de référence)\n" + header
    for tranche, values in table["centres"].items():
        out += row(f"Tranche {tranche}", values)
    return out


def cmd_bareme(args) -> int:
    p = load_parameters().at(args.on or clock.today())
    table = bareme_table(p)
    write(dumps(table, indent=True) + b"\n" if args.json else render_bareme(table, p))
    return 0


def cmd_schema(args) -> int:
    write(dumps(json_schema(), indent=True) + b"\n")
    return 0


def cmd_provisions(args) -> int:
    from .rules.provisions import render_markdown

    write(render_markdown())
    return 0


DJANGO_COMMANDS = {
    "deadlines": "deadlines",
    "audit": "audit_verify",
    "webhooks": "webhooks_reencrypt",
    "import": "import_directory",
    "gen": "gen_rpps",
    "dashboards": "dashboards",
    "demo": "demo_accounts",
    "worker": "worker",
    "scheduler": "scheduler",
}


def run_django_command(argv: list[str]) -> int:
    """`sons deadlines …` and `sons audit verify`: the platform's commands, on its database."""
    import os

    import django
    from django.core.management import call_command
    from django.core.management.base import CommandError

    # Production unless chosen otherwise; the demonstration only exists on a developer's machine.
    os.environ.setdefault(
        "DJANGO_SETTINGS_MODULE", "config.settings.dev" if argv[0] == "demo" else "config.settings.prod"
    )
    django.setup()
    name, rest = argv[0], argv[1:]
    command = DJANGO_COMMANDS[name]
    if name == "audit":
        if rest[:1] not in (["verify"], ["checkpoint"]):
            raise UsageError("sous-commande attendue : « sons audit verify » ou « sons audit checkpoint »")
        command, rest = f"audit_{rest[0]}", rest[1:]
    elif name == "webhooks":
        if rest[:1] != ["reencrypt"]:
            raise UsageError("sous-commande attendue : « sons webhooks reencrypt »")
        rest = rest[1:]
    elif name == "demo":
        if rest[:1] != ["accounts"]:
            raise UsageError("sous-commande attendue : « sons demo accounts »")
        rest = rest[1:]
    elif name == "gen":
        if rest[:1] != ["rpps"]:
            raise UsageError("sous-commande attendue : « sons gen rpps --rows N FICHIER »")
        rest = rest[1:]
    try:
        call_command(command, *rest)
    except CommandError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return getattr(error, "returncode", 1) if name == "audit" else EXIT_BAD_INPUT
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = FrenchArgumentParser(
        prog="sons", description="SONS SFP-LGC-Va2 : simulateur et référentiels de l'AF"
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=FrenchArgumentParser)

    evaluate = sub.add_parser("evaluate", help="évaluer un dossier (simulateur)")
    evaluate.add_argument("file", nargs="?", help="dossier JSON, ou - pour l'entrée standard")
    evaluate.add_argument("--json", action="store_true", help="résultat en JSON")
    evaluate.add_argument("--explain", action="store_true", help="détailler chaque règle évaluée")
    evaluate.add_argument(
        "--date-0",
        type=iso_date("--date-0"),
        help="Date 0 des dossiers qui n'en donnent pas (remplace le paramètre)",
    )
    evaluate.add_argument(
        "--batch", metavar="FICHIER.jsonl", help="un dossier par ligne, un résultat JSON par ligne"
    )
    evaluate.add_argument(
        "--workers", type=int, default=None, help="processus de calcul (défaut : tous les cœurs)"
    )
    evaluate.set_defaults(handler=cmd_evaluate)

    calendar = sub.add_parser("calendar", help="calendrier du dispositif (Dates 0 à 6)")
    calendar.add_argument("--json", action="store_true")
    calendar.add_argument("--date-0", type=iso_date("--date-0"), help="Date 0 (parution au JO), AAAA-MM-JJ")
    calendar.add_argument(
        "--on", type=iso_date("--on"), help="date de lecture des paramètres (défaut : aujourd'hui)"
    )
    calendar.set_defaults(handler=cmd_calendar)

    bareme = sub.add_parser("bareme", help="barème des prix plafonds (§5.3)")
    bareme.add_argument("--json", action="store_true")
    bareme.add_argument(
        "--on", type=iso_date("--on"), help="date de lecture des paramètres (défaut : aujourd'hui)"
    )
    bareme.set_defaults(handler=cmd_bareme)

    schema = sub.add_parser("schema", help="schéma JSON du dossier")
    schema.set_defaults(handler=cmd_schema)

    provisions = sub.add_parser(
        "provisions", help="l'AF disposition par disposition, avec ses règles (Markdown)"
    )
    provisions.set_defaults(handler=cmd_provisions)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv and argv[0] in DJANGO_COMMANDS:
            return run_django_command(argv)
        args = build_parser().parse_args(argv)
        return args.handler(args)
    except InvalidDossier as error:
        print(f"Erreur dans le dossier, champ « {error.path} » : {error.message}", file=sys.stderr)
    except UsageError as error:
        print(f"Erreur : {error}", file=sys.stderr)
    except (ParameterNotInForce, CalendarOutOfRange) as error:
        print(f"Erreur : {error}", file=sys.stderr)
    except BrokenPipeError:
        return 0
    return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
