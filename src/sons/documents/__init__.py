"""Documents of a dossier: the models to sign (PDF) and the checks of uploaded documents (AF §4.3, §4.4,
§6.3, §6.4, §7). Django-aware but no app of its own: no models, no settings."""
