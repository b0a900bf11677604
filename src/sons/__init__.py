"""SONS SFP-LGC-Va2 : financement Ségur numérique des logiciels des paramédicaux et sages-femmes."""
