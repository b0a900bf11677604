"""Django forms rendered with the DSFR classes (fr-input, fr-select…) and errors tied to their field."""

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


class DsfrForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = next((c for kind, c in CLASSES.items() if isinstance(field.widget, kind)), "fr-input")
            if css:
                field.widget.attrs.setdefault("class", css)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:  # screen readers read the error with the field
            if name in self.fields:
                self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}-erreur"
                self.fields[name].widget.attrs["aria-invalid"] = "true"
