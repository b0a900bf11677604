"""Django forms rendered with the DSFR (fr-input, fr-select…; templates/portal/includes/field.html) and their
errors tied to their fields: `fr-input-group--error` and `fr-error-text` around the field, `aria-describedby`
naming the hint and the error that exist, `aria-invalid`, and a summary at the top of the form linking to each
field in error (form_errors.html). A bound form keeps what was typed; a refusal of the domain (sons.errors.Refused)
goes to the field it names (`add_refusal`)."""

from django import forms

CLASSES = {
    forms.Select: "fr-select",
    forms.SelectMultiple: "fr-select",
    forms.Textarea: "fr-input",
    forms.CheckboxInput: "",
    forms.CheckboxSelectMultiple: "",
    forms.RadioSelect: "",
    forms.ClearableFileInput: "fr-upload",
    forms.FileInput: "fr-upload",
}
# Widgets drawn as a group of boxes in a fieldset (its legend and messages describe it, not each box).
GROUPS = (forms.CheckboxSelectMultiple, forms.RadioSelect)


def hint_id(bound) -> str:
    return f"{bound.auto_id}-aide"


def error_id(bound) -> str:
    return f"{bound.auto_id}-erreur"


class DsfrForm(forms.Form):
    # The domain's field paths (sons.errors.Refused.field, e.g. "order.signed_on") this form shows under another
    # name; otherwise a path's last part names the field ("client.rpps" → rpps).
    refusal_fields: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = next((c for kind, c in CLASSES.items() if isinstance(field.widget, kind)), "fr-input")
            if css:
                field.widget.attrs.setdefault("class", css)
            self.describe(name)

    def describe(self, name: str) -> None:
        """aria-describedby of a field: its hint and its error, each only when shown (no dangling id)."""
        # An unbound BoundField of our own: `self[name]` would cache one holding the label and hint as they are
        # now, before a subclass's __init__ sets them (MotiveForm's label, help text and requirement).
        field = self.fields[name]
        bound = field.get_bound_field(self, name)
        if isinstance(field.widget, GROUPS):
            return
        ids = []
        if field.help_text:
            ids.append(hint_id(bound))
        if name in (self._errors or {}):  # never validates: a subclass may still be setting its choices
            ids.append(error_id(bound))
            field.widget.attrs["aria-invalid"] = "true"
        else:
            field.widget.attrs.pop("aria-invalid", None)
        if ids:
            field.widget.attrs["aria-describedby"] = " ".join(ids)
        else:
            field.widget.attrs.pop("aria-describedby", None)

    def full_clean(self):
        super().full_clean()
        for name in self.fields:
            self.describe(name)

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.fields:
            self.describe(name)

    def field_of(self, path: str) -> str | None:
        """The form's field for a domain field path, or None (an error of the form as a whole)."""
        if not path:
            return None
        if path in self.refusal_fields:
            return self.refusal_fields[path]
        last = path.rsplit(".", 1)[-1].split("[", 1)[0]
        return last if last in self.fields else None

    def add_refusal(self, refused) -> None:
        """A refusal of the domain shown with the field it names (the whole form's error otherwise)."""
        self.add_error(self.field_of(getattr(refused, "field", "")), refused.message)

    def error_summary(self) -> list[dict]:
        return error_summary(self)


def error_summary(form) -> list[dict]:
    """The summary at the top of any form: each field in error, its label and message, and the anchor of its
    input (the fieldset of a group of boxes)."""
    rows = []
    for name, errors in form.errors.items():
        if name == "__all__" or name not in form.fields:
            continue
        bound = form[name]
        anchor = bound.auto_id if isinstance(form.fields[name].widget, GROUPS) else bound.id_for_label
        rows.append({"anchor": anchor, "label": bound.label, "message": " ".join(errors)})
    return rows
