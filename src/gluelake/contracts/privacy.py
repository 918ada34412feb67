"""Project-wide privacy defaults that contracts can override (no Spark here)."""

from __future__ import annotations

# Names of undeclared fields whose values are treated as personal data, in several
# languages. A project replaces or extends the list in schemas/_project.yaml. A name
# matches an entry when one of its words (split at _ - . and spaces) is the entry, or,
# for entries of 4 characters or more, when it contains the entry ("username").
DEFAULT_PERSONAL_FIELD_NAMES: tuple[str, ...] = (
    # English
    "name", "mail", "email", "phone", "mobile", "fax", "address", "street", "zip",
    "postcode", "post_code", "postal", "birth", "dob", "age", "ssn", "passport", "iban",
    "card", "ip", "user", "login", "gender", "person", "contact", "surname",
    # German
    "ansprechpartner", "vorname", "nachname", "telefon", "handy", "adresse", "anschrift",
    "strasse", "straße", "plz", "geburt", "kontakt", "benutzer", "geschlecht", "ausweis",
    # French
    "nom", "prenom", "prénom", "telephone", "téléphone", "portable", "rue", "courriel",
    "naissance", "interlocuteur",
    # Spanish, Italian, Dutch
    "nombre", "apellido", "telefono", "teléfono", "movil", "móvil", "direccion",
    "dirección", "correo", "nacimiento", "contacto", "cognome", "cellulare", "indirizzo",
    "nascita", "referente", "naam", "achternaam", "telefoon", "adres", "straat",
    "geboortedatum", "contactpersoon",
)  # fmt: skip
