"""Verification of the hash chain: every problem is found and described in French, one per problem."""

from dataclasses import dataclass

from .chain import GENESIS_HASH, hash_of
from .checkpoints import problems_against, read_all
from .models import HEAD_PK, AuditEntry, AuditHead

# Entries read per round trip: memory stays bounded however long the journal grows.
CHUNK_SIZE = 2000


@dataclass
class VerificationReport:
    checked: int
    problems: list[str]
    checkpoints: int = 0  # signed checkpoints (outside the database) the journal was checked against

    @property
    def intact(self) -> bool:
        return not self.problems


def verify_journal() -> VerificationReport:
    walker = _ChainWalker()
    walker.walk(AuditEntry.objects.order_by("seq"))
    # The head is read after the walk: any entry the walk saw was committed with a head at least that far.
    head = AuditHead.objects.filter(pk=HEAD_PK).first()
    if head is not None and head.seq > walker.last_seq:
        # Entries appended while walking are committed with this head: walk them too before concluding
        # that the tail was truncated.
        walker.walk(AuditEntry.objects.filter(seq__gt=walker.last_seq, seq__lte=head.seq).order_by("seq"))
    problem = _head_problem(head, walker)
    if problem:
        walker.problems.append(problem)
    checkpoints, unreadable = read_all()
    walker.problems += unreadable + problems_against(checkpoints, head)
    return VerificationReport(checked=walker.checked, problems=walker.problems, checkpoints=len(checkpoints))


class _ChainWalker:
    """Follows the entries in seq order, remembering the last one seen."""

    def __init__(self):
        self.checked = 0
        self.last_seq = 0
        self.last_hash = GENESIS_HASH
        self.problems: list[str] = []

    def walk(self, entries) -> None:
        for entry in entries.iterator(chunk_size=CHUNK_SIZE):
            self._check(entry)

    def _check(self, entry: AuditEntry) -> None:
        self.checked += 1
        if entry.seq != self.last_seq + 1:
            # A removed entry also breaks the next link; the gap alone says what happened.
            first, last = self.last_seq + 1, entry.seq - 1
            self.problems.append(
                f"{_entries(first, last)} supprimée{_plural(first, last)} : "
                f"la séquence saute à l'entrée n° {entry.seq}."
            )
        elif entry.prev_hash != self.last_hash:
            previous = f"l'entrée n° {self.last_seq}" if self.last_seq else "l'origine du journal"
            self.problems.append(
                f"Entrée n° {entry.seq} : son empreinte précédente ne correspond pas à celle de {previous} "
                "(entrée insérée, remplacée ou réordonnée)."
            )
        if hash_of(entry) != entry.hash:
            self.problems.append(
                f"Entrée n° {entry.seq} altérée : son empreinte ne correspond plus à son contenu."
            )
        self.last_seq = entry.seq
        self.last_hash = entry.hash


def _head_problem(head: AuditHead | None, walker: _ChainWalker) -> str | None:
    last = walker.last_seq
    if head is None:
        if walker.checked:
            count = walker.checked
            return f"Tête du journal absente alors que {count} entrée{'s' if count > 1 else ''} existe{'nt' if count > 1 else ''}."
        return None
    if head.seq > last:
        present = f"la dernière entrée présente est la n° {last}" if last else "aucune entrée n'est présente"
        return (
            f"Fin du journal tronquée : {_entries(last + 1, head.seq).lower()} absente{_plural(last + 1, head.seq)} "
            f"(la tête désigne l'entrée n° {head.seq}, {present})."
        )
    if head.seq < last:
        return (
            f"{_entries(head.seq + 1, last)} ajoutée{_plural(head.seq + 1, last)} hors du journal "
            f"(la tête désigne l'entrée n° {head.seq})."
        )
    if head.hash != walker.last_hash:
        return f"Tête du journal incohérente : l'empreinte de la dernière entrée (n° {last}) n'est pas la sienne."
    return None


def _entries(first: int, last: int) -> str:
    return f"Entrée n° {first}" if first == last else f"Entrées n° {first} à {last}"


def _plural(first: int, last: int) -> str:
    return "" if first == last else "s"
