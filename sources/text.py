"""Text normalisation shared by the sources: legal forms, names, websites (folding is
core.text.fold, re-exported here)."""

from __future__ import annotations

import re

from core.text import fold

# Belgian, Dutch, French and German legal forms that say nothing about which shop it is.
LEGAL_FORMS = (
    "sprl", "sprlu", "srl", "sa", "sc", "scrl", "scs", "snc", "asbl", "bv", "bvba", "nv", "vof",
    "cvba", "cv", "comm v", "commv", "vzw", "gmbh", "ag", "kg", "ohg", "ug", "sarl", "sas", "eurl",
    "ltd", "llc", "inc", "ei", "pgmbh",
)
_LEGAL_FORM_RE = re.compile(
    r"(?<![\w])(" + "|".join(re.escape(f) for f in sorted(LEGAL_FORMS, key=len, reverse=True))
    + r")(?![\w])"
)


def fold_key(text: str) -> str:
    """fold() then keep only letters and digits: "L'Écluse" -> 'lecluse'."""
    return re.sub(r"[^a-z0-9]", "", fold(text))


def strip_legal_forms(name: str) -> str:
    """'Boulangerie Dupont SPRL' -> 'boulangerie dupont' (folded, dots removed)."""
    folded = fold(name).replace(".", "")
    folded = re.sub(r"[^\w\s&'-]", " ", folded)
    return " ".join(_LEGAL_FORM_RE.sub(" ", folded).split())


def normalise_website(raw: str | None) -> str | None:
    """Strip spaces; add ``http://`` when the scheme is missing (the crawler follows redirects).

    Returns None for an empty value. Raises ValueError for something that is not a web address.
    """
    if raw is None:
        return None
    value = "".join(raw.split())
    if not value:
        return None
    if value.lower().startswith("www.") or "://" not in value:
        value = "http://" + value
    match = re.match(r"^(https?)://([^/?#\s]+)(.*)$", value, re.IGNORECASE)
    if not match:
        raise ValueError(f"adresse de site web invalide : {raw.strip()!r}")
    if "@" in match.group(2):  # an e-mail address, or credentials in the URL
        raise ValueError(f"adresse de site web invalide : {raw.strip()!r}")
    host = match.group(2).split(":")[0]
    if "." not in host or not re.fullmatch(r"[\w.-]+", host) or host.startswith("."):
        raise ValueError(f"adresse de site web invalide : {raw.strip()!r}")
    return f"{match.group(1).lower()}://{match.group(2)}{match.group(3)}"
