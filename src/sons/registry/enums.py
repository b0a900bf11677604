from sons.choices import text_choices
from sons.rules import codes

Market = text_choices("Market", codes.MARKETS)
Referencing = text_choices("Referencing", codes.REFERENCING)
