"""What an uploaded PDF may not carry, checked at upload before anything is stored: active content (script,
launch of a program, embedded files). Only the document's structure is read — catalog, name trees, actions,
annotations, form fields — never a page's content stream, so the check costs little even on a hostile file
(its size is capped at 10 MB before it is read).

Download names are reduced to a plain file name ending in `.pdf`.
"""

from __future__ import annotations

import re
import unicodedata

from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

FEATURES = {
    "javascript": "du JavaScript",
    "launch": "une action de lancement d'un programme (Launch)",
    "embedded": "des fichiers incorporés (pièces jointes dans le PDF)",
}
ACTION_KINDS = {"/JavaScript": "javascript", "/Launch": "launch", "/GoToE": "embedded"}
MAX_VISITED = 50_000  # objects looked at: far more than an order or an invoice holds


def resolve(value):
    return value.get_object() if isinstance(value, IndirectObject) else value


class Inspector:
    def __init__(self):
        self.found: set[str] = set()
        self.seen: set[int] = set()
        self.visited = 0

    def action(self, value) -> None:
        """An action dictionary (or a chain of them through /Next), or an additional-actions dictionary."""
        stack = [value]
        while stack and self.visited < MAX_VISITED:
            item = stack.pop()
            key = id(item) if not isinstance(item, IndirectObject) else (item.idnum, item.generation)
            if key in self.seen:
                continue
            self.seen.add(key)
            self.visited += 1
            item = resolve(item)
            if isinstance(item, ArrayObject):
                stack.extend(item)
            elif isinstance(item, DictionaryObject):
                kind = ACTION_KINDS.get(item.get("/S"))
                if kind:
                    self.found.add(kind)
                if "/JS" in item:
                    self.found.add("javascript")
                for child in ("/Next", "/A", "/AA", "/O", "/C", "/K", "/F", "/Bl", "/Fo", "/U", "/D", "/E", "/X",
                              "/PO", "/PC", "/PV", "/PI", "/WC", "/WS", "/DS", "/WP", "/DP"):  # fmt: skip
                    if child in item:
                        stack.append(item[child])

    def catalog(self, root: DictionaryObject) -> None:
        names = resolve(root.get("/Names"))
        if isinstance(names, DictionaryObject):
            if "/JavaScript" in names:
                self.found.add("javascript")
            if "/EmbeddedFiles" in names:
                self.found.add("embedded")
        for key in ("/OpenAction", "/AA"):
            if key in root:
                self.action(root[key])
        form = resolve(root.get("/AcroForm"))
        if isinstance(form, DictionaryObject):
            if "/XFA" in form:  # XFA forms carry their own scripts
                self.found.add("javascript")
            fields = list(resolve(form.get("/Fields")) or [])
            while fields and self.visited < MAX_VISITED:
                field = resolve(fields.pop())
                self.visited += 1
                if not isinstance(field, DictionaryObject):
                    continue
                for key in ("/A", "/AA"):
                    if key in field:
                        self.action(field[key])
                fields.extend(resolve(field.get("/Kids")) or [])

    def page(self, page: DictionaryObject) -> None:
        if "/AA" in page:
            self.action(page["/AA"])
        for annotation in resolve(page.get("/Annots")) or []:
            annotation = resolve(annotation)
            self.visited += 1
            if not isinstance(annotation, DictionaryObject):
                continue
            if annotation.get("/Subtype") == "/FileAttachment":
                self.found.add("embedded")
            for key in ("/A", "/AA"):
                if key in annotation:
                    self.action(annotation[key])


def active_content(reader) -> list[str]:
    """The French names of the active features the PDF carries (empty when none)."""
    inspector = Inspector()
    inspector.catalog(reader.trailer["/Root"].get_object())
    for page in reader.pages:
        if inspector.visited >= MAX_VISITED:
            break
        inspector.page(page)
    return [FEATURES[kind] for kind in FEATURES if kind in inspector.found]


SAFE_NAME = re.compile(r"[^A-Za-z0-9._ ()-]+")
DASHES = re.compile(r"\s*-[\s-]*")


def download_name(name: str, fallback: str = "document") -> str:
    """A plain name ending in .pdf: no folder, no control or unusual character, accents transliterated."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    if base.lower().endswith(".pdf"):
        base = base[:-4]
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    base = SAFE_NAME.sub("-", base)
    base = DASHES.sub("-", " ".join(base.split())).strip(" .-")[:100].strip(" .-")
    return f"{base or fallback}.pdf"
