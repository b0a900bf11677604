"""Dossiers: one per client order, from the signed order to the last euro paid or recovered."""

from datetime import date, timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q

from sons.lifecycle import history_of
from sons.registry.enums import Referencing

from .enums import (
    DEAD_STATES,
    NOT_RESERVING_STATES,
    ClientKind,
    DocumentCheck,
    DocumentKind,
    DossierState,
    MessageKind,
    PilotState,
)

MONEY = {"max_digits": 12, "decimal_places": 2}


def conditional_order_running(on: date, days: int) -> Q:
    """Orders signed before their version's referencing (§4.3, as `rules.order.signed_before` reads it), the
    version still without a complete referencing dossier, whose `days` from the signature still run on `on` (the
    last day included)."""
    version = "solution_version__"
    pending = Q(**{f"{version}referenced_on__isnull": True}) & ~Q(
        **{f"{version}referencing": Referencing.GRANTED}
    )
    before_referencing = pending | Q(order_signed_on__lt=F(f"{version}referenced_on"))
    return before_referencing & Q(
        **{f"{version}complete_dossier_on__isnull": True}, order_signed_on__gte=on - timedelta(days=days)
    )


class DossierQuerySet(models.QuerySet):
    def live(self):
        return self.exclude(state__in=DEAD_STATES)

    def reserving(self):
        """The dossiers that hold their client (§4.2): filed, neither rejected nor abandoned (never a draft)."""
        return self.exclude(state__in=NOT_RESERVING_STATES)

    def with_reference(self, reference: str):
        """The dossiers under a supplier's order reference that keep it (an abandoned one frees it)."""
        return self.filter(supplier_reference=reference).exclude(state=DossierState.CANCELLED)

    def for_client(self, client_key: str):
        return self.filter(client_key=client_key)

    def visible_to(self, principal):
        """What `principal` may see: a supplier its own dossiers only (another's is then a 404), staff all."""
        if principal.is_supplier:
            return self.filter(supplier_id=principal.organisation_id)
        return self

    def conditional_orders_running(self, on: date, days: int):
        return self.filter(conditional_order_running(on, days))


class Dossier(models.Model):
    supplier = models.ForeignKey("suppliers.Organisation", on_delete=models.PROTECT, related_name="dossiers")
    solution_version = models.ForeignKey("registry.SolutionVersion", on_delete=models.PROTECT)
    state = models.CharField("état", max_length=40, choices=DossierState.choices, default=DossierState.DRAFT)
    client_kind = models.CharField("type de Client", max_length=20, choices=ClientKind.choices)
    rpps = models.CharField("n° RPPS", max_length=11, blank=True)
    finess_geo = models.CharField("n° FINESS géographique", max_length=9, blank=True)
    client_key = models.CharField("identifiant du Client", max_length=20, db_index=True)
    # The supplier's own id of the order (declared; searched and unique in the organisation, but for an
    # abandoned dossier).
    supplier_reference = models.CharField("référence de commande du Fournisseur", max_length=100, blank=True)

    # What the supplier declared (client, order, balance request), in the contract's shape, as declared
    # (sons.dossiers.declaration); `declared` reads it typed. Columns hold only what is queried or constrained.
    declaration = models.JSONField("déclaration du Fournisseur", default=dict, encoder=DjangoJSONEncoder)
    order_signed_on = models.DateField(
        "commande signée le", null=True
    )  # the declared order's, for the queues

    # The end-of-service attestation and the incapacity declaration (§4.4): steps of the lifecycle.
    end_of_service_attested_on = models.DateField("attestation de fin de Prestation le", null=True)
    incapacity_declared_on = models.DateField("incapacité déclarée le", null=True)

    advance_filed_on = models.DateField("demande d'avance déposée le", null=True)
    balance_filed_on = models.DateField("demande de solde déposée le", null=True)
    advance_validated_on = models.DateField("demande d'avance instruite et validée le", null=True)

    # The last evaluation by the rules engine, kept for the queues and the dossier page.
    decision = models.CharField("décision du moteur", max_length=40, blank=True)
    findings = models.JSONField("constats", default=list, encoder=DjangoJSONEncoder)
    evaluated_at = models.DateTimeField(null=True)
    directory_alerts = models.JSONField("alertes de l'annuaire", default=list)
    cap = models.DecimalField("plafond", null=True, **MONEY)
    financed = models.DecimalField("montant financé", null=True, **MONEY)
    advance_amount = models.DecimalField("avance", null=True, **MONEY)
    balance_amount = models.DecimalField("solde", null=True, **MONEY)

    # Money actually moved (ledger totals, kept in step with the Payment and Repayment rows).
    paid_advance = models.DecimalField("avance versée", default=0, **MONEY)
    paid_balance = models.DecimalField("solde versé", default=0, **MONEY)
    recovered = models.DecimalField("reversé", default=0, **MONEY)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = "dossier"
        constraints = [
            models.UniqueConstraint(
                fields=["client_key"],
                condition=~Q(state__in=NOT_RESERVING_STATES),
                name="one_filed_order_per_client",
                violation_error_message="Ce Client bénéficie déjà d'une commande comprenant une Prestation Ségur.",
            ),
            models.UniqueConstraint(
                fields=["supplier", "supplier_reference"],
                condition=~Q(supplier_reference="") & ~Q(state=DossierState.CANCELLED),
                name="supplier_reference_once_per_organisation",
                violation_error_message="Cette référence de commande est déjà celle d'un autre dossier de "
                "l'organisation.",
            ),
            models.CheckConstraint(
                condition=Q(paid_advance__gte=0) & Q(paid_balance__gte=0) & Q(recovered__gte=0),
                name="money_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(paid_advance=0, paid_balance=0)
                | Q(financed__gte=F("paid_advance") + F("paid_balance")),
                name="paid_never_exceeds_financed",
                violation_error_message="Le versé ne peut dépasser le montant financé.",
            ),
            models.CheckConstraint(
                condition=Q(paid_advance=0) | Q(advance_amount__gte=F("paid_advance")),
                name="advance_paid_at_most_once",
            ),
            models.CheckConstraint(
                condition=Q(recovered__lte=F("paid_advance") + F("paid_balance")),
                name="recovered_at_most_paid",
            ),
            models.CheckConstraint(
                condition=(Q(client_kind=ClientKind.PROFESSIONAL) & ~Q(rpps=""))
                | (Q(client_kind=ClientKind.CENTRE) & ~Q(finess_geo="")),
                name="client_identified",
            ),
        ]
        indexes = [
            models.Index(fields=["supplier", "state"]),
            models.Index(fields=["state"]),
            # The instructors' queue is read in filing order: no sort of every dossier for a page.
            models.Index(fields=["advance_filed_on", "id"], name="dossier_queue_order"),
        ]

    def __str__(self):
        return f"Dossier n° {self.pk} ({self.client_key})"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # A centre's order holds its centres while it is filed (§4.2): they follow its state and declaration,
        # rewritten only when one of them changed since the rows were last written (or the dossier loaded).
        if self.client_kind == ClientKind.CENTRE:
            held = self.__dict__.get("_centres_held")
            if held is None or held[0] is not self.declaration or held[1] != self.reserves_client:
                hold_centres([self])
                self.__dict__["_centres_held"] = (self.declaration, self.reserves_client)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        loaded = instance.__dict__
        if loaded.get("client_kind") == ClientKind.CENTRE and "declaration" in loaded and "state" in loaded:
            # What its DossierCentre rows say now. By identity: `declare()` always puts a new declaration (the
            # `declared` cache relies on it too), and nothing is serialised for the many dossiers never saved.
            loaded["_centres_held"] = (instance.declaration, instance.reserves_client)
        return instance

    @property
    def reserves_client(self) -> bool:
        return self.state not in NOT_RESERVING_STATES

    @property
    def declared(self) -> dict:
        """The declaration, typed (dates, amounts), read once per instance."""
        from .declaration import read

        cached = self.__dict__.get("_declared")
        if cached is None or cached[0] is not self.declaration:
            cached = self.__dict__["_declared"] = (self.declaration, read(self.declaration))
        return cached[1]

    def declare(self, declared: dict) -> None:
        """Keep a typed declaration (and the columns copied from it)."""
        from .declaration import as_json

        self.declaration = as_json(declared)
        self.__dict__["_declared"] = (self.declaration, declared)
        self.order_signed_on = declared["order"]["signed_on"]
        self.supplier_reference = declared.get("supplier_reference") or ""


class Evaluation(models.Model):
    """One evaluation by the rules, as it was decided: at a filing, an answer to a completion request, a
    validation. The dossier's page shows the last one, never a recomputation (sons.dossiers.evaluations).

    `trace` is the rule-by-rule explanation, one [rule, section, outcome, severity, message] per rule run."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="evaluations")
    step = models.CharField("étape", max_length=50)
    request = models.CharField("demande", max_length=20)
    evaluated_on = models.DateField("évaluée au")
    at = models.DateTimeField("le")
    decision = models.CharField("décision", max_length=40)
    findings = models.JSONField("constats", default=list, encoder=DjangoJSONEncoder)
    amounts = models.JSONField("montants", default=dict, encoder=DjangoJSONEncoder)
    trace = models.JSONField("explication règle par règle", default=list, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = "évaluation par les règles"
        ordering = ["at", "pk"]


class DossierCentre(models.Model):
    """A centre de santé infirmier of a centre's order (§4.2: « un ou plusieurs Centres de santé infirmier »,
    each identified by its FINESS géographique): the client's own and the others the order names. `reserving`
    follows the dossier's state (a filed dossier holds every centre of its order, a draft or an abandoned one
    none), so that the database refuses a second Ségur order for any of them (§4.2 unicity), whichever
    dossier names it first or second."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="centres")
    finess_geo = models.CharField("n° FINESS géographique", max_length=9)
    reserving = models.BooleanField("retient le centre", default=False)

    class Meta:
        verbose_name = "centre d'une commande"
        constraints = [
            models.UniqueConstraint(
                fields=["finess_geo"],
                condition=Q(reserving=True),
                name="one_filed_order_per_centre",
                violation_error_message="Ce centre bénéficie déjà d'une commande comprenant une Prestation Ségur.",
            ),
            models.UniqueConstraint(fields=["dossier", "finess_geo"], name="centre_once_per_order"),
        ]


def order_finess(dossier: Dossier) -> list[str]:
    """The FINESS géographiques of a centre's order, the client's first, each once."""
    client = dossier.declaration.get("client") or {}  # as kept (checked when declared)
    others = [centre["finess_geo"] for centre in client.get("additional_centres") or ()]
    return list(dict.fromkeys([dossier.finess_geo, *others]))


def hold_centres(dossiers) -> None:
    """The centres of these (saved) centre dossiers, as their declarations and states say now."""
    dossiers = [d for d in dossiers if d.client_kind == ClientKind.CENTRE]
    if not dossiers:
        return
    DossierCentre.objects.filter(dossier__in=dossiers).delete()
    DossierCentre.objects.bulk_create(
        DossierCentre(dossier=d, finess_geo=finess, reserving=d.reserves_client)
        for d in dossiers
        for finess in order_finess(d)
    )


def centres_reserved(finess: set[str], but=None) -> dict[str, int]:
    """For each of these FINESS, the number of filed orders (other than `but`'s) that hold it."""
    rows = DossierCentre.objects.filter(finess_geo__in=finess, reserving=True)
    if but is not None and but.pk:
        rows = rows.exclude(dossier_id=but.pk)
    found: dict[str, int] = {}
    for key in rows.values_list("finess_geo", flat=True):
        found[key] = found.get(key, 0) + 1
    return found


# Who moved a dossier from one state to another, when and why.
Transition = history_of(Dossier, DossierState, "transition", name="Transition")


class Message(models.Model):
    """The thread between the supplier and the ASP on a dossier (sons.dossiers.thread): completion requests (with
    the day an answer is expected), answers, decisions and free messages, each with at most one PDF."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="messages")
    kind = models.CharField("nature", max_length=30, choices=MessageKind.choices)
    author_label = models.CharField("auteur", max_length=200)
    body = models.TextField("message")
    at = models.DateTimeField("le", auto_now_add=True)
    # Written by the supplier (else by the ASP): the other side's first reading is the read receipt.
    from_supplier = models.BooleanField("écrit par le fournisseur", default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField("réponse attendue au plus tard le", null=True, blank=True)
    document = models.ForeignKey(
        "Document", null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    read_at = models.DateTimeField("lu par le destinataire le", null=True, blank=True)
    read_by = models.CharField("lu par", max_length=200, blank=True)

    class Meta:
        ordering = ["at", "pk"]


class Note(models.Model):
    """An instructor's internal note on a dossier: a model of its own, that no supplier's page, API answer or
    export reads (suppliers never see it)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="internal_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.CharField("auteur", max_length=200)
    body = models.TextField("note")
    at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "note interne"
        ordering = ["at", "pk"]


class Document(models.Model):
    dossier = models.ForeignKey(Dossier, null=True, on_delete=models.PROTECT, related_name="documents")
    pilot = models.ForeignKey("Pilot", null=True, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField("pièce", max_length=30, choices=DocumentKind.choices)
    name = models.CharField("nom du fichier", max_length=255)
    # The file's name in the storage "documents" (settings.STORAGES), relative: « 12/<sha256>.pdf ».
    path = models.CharField("nom dans le stockage", max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField("taille (octets)")
    uploaded_by = models.CharField("déposé par", max_length=200)
    at = models.DateTimeField(auto_now_add=True)
    # What the upload checks found (mandatory mentions, amount): [{code, message, section, severity}].
    findings = models.JSONField("constats du contrôle", default=list, encoder=DjangoJSONEncoder)
    check_state = models.CharField(
        "contrôle", max_length=20, choices=DocumentCheck.choices, default=DocumentCheck.DONE
    )


class Pilot(models.Model):
    """The pilot perimeter of a supplier for a solution version (§6.3)."""

    supplier = models.ForeignKey("suppliers.Organisation", on_delete=models.PROTECT, related_name="pilots")
    solution_version = models.ForeignKey("registry.SolutionVersion", on_delete=models.PROTECT)
    state = models.CharField("état", max_length=20, choices=PilotState.choices, default=PilotState.SUBMITTED)
    dossiers = models.ManyToManyField(Dossier, through="PilotClient")
    training_materials_sent = models.BooleanField("supports de formation transmis", default=False)
    findings = models.JSONField("constats", default=list, encoder=DjangoJSONEncoder)
    reason = models.TextField("motif de la décision", blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = "périmètre pilote"
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "solution_version"],
                condition=~Q(state=PilotState.REFUSED),
                name="one_open_pilot_per_supplier_and_version",
            )
        ]


PilotTransition = history_of(Pilot, PilotState, "décision sur un périmètre pilote")


class PilotClient(models.Model):
    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE)
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT)
    pv_signed = models.BooleanField("PV signé par le Client", default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pilot", "dossier"], name="pilot_client_once")]
