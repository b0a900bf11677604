from sons.choices import text_choices
from sons.rules import codes

Profession = text_choices("Profession", codes.PROFESSIONS)
PracticeMode = text_choices("PracticeMode", codes.PRACTICES)
AidSource = text_choices("AidSource", codes.AID_SOURCES)
CentreType = text_choices("CentreType", codes.CENTRE_TYPES)
