"""Normalizers: the canonical values the matcher compares.

Every raw attribute of a profile becomes a canonical value once, at ingest.
These functions are public so that users can see what the matcher sees, or
clean data before loading it::

    >>> from profilematch import normalize
    >>> normalize.phone("+1 201 555 0123 ext. 136").e164
    '+12015550123'
    >>> normalize.email("Jane.Doe+news@GoogleMail.com").mailbox
    'janedoe@gmail.com'
    >>> normalize.name("Dr. Paul Edward King Jr.").suffix
    'jr'
    >>> normalize.birth_date("09/06/1985")
    ('1985-06-09', '1985-09-06')

Every normalizer is pure, raises nothing on any input, returns None (or an
empty tuple) for a missing value (see :func:`is_missing`), and caches its
result per distinct raw value. A value that cannot be read is kept, marked
invalid (``valid`` is False, ``e164`` or ``address`` is None), never guessed
into a key.
"""

from __future__ import annotations

from profilematch._normalize._address import PostalAddress, address
from profilematch._normalize._country import country
from profilematch._normalize._dates import birth_date
from profilematch._normalize._email import EmailAddress, email
from profilematch._normalize._missing import is_missing
from profilematch._normalize._name import PersonName, name, nickname_keys, phonetic
from profilematch._normalize._phone import PhoneNumber, phone

__all__ = [
    "EmailAddress",
    "PersonName",
    "PhoneNumber",
    "PostalAddress",
    "address",
    "birth_date",
    "country",
    "email",
    "is_missing",
    "name",
    "nickname_keys",
    "phone",
    "phonetic",
]
