"""Email addresses: canonical addresses and provider-aware mailbox keys."""

from __future__ import annotations

import functools
import re

import attrs
import email_validator
from email_validator import EmailNotValidError, validate_email

from profilematch._normalize._missing import coerce

__all__ = ["EmailAddress", "email"]

# Providers that deliver every dotted spelling and every plus tag of a local
# part to one mailbox, mapped to the domain their key is built on.
_DOTS_AND_TAGS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}

# Providers that ignore a plus tag but keep dots significant.
_TAGS_ONLY = frozenset(
    {
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "protonmail.com",
        "proton.me",
        "pm.me",
        "fastmail.com",
        "fastmail.fm",
    }
)

_SEPARATORS = re.compile(r"[._+\-]")

# Plain ASCII addresses that email-validator is sure to accept unchanged but
# for case: a dot-atom local part, LDH labels without "--", a letter TLD, and
# short enough that no length limit applies. Anything else takes the library.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_PLAIN = re.compile(
    rf"(?P<local>{_ATEXT}+(?:\.{_ATEXT}+)*)@(?P<domain>(?:{_LABEL}\.)+[A-Za-z]{{2,63}})"
)
_PLAIN_MAX_LENGTH = 64
_SPECIAL_USE = tuple(email_validator.SPECIAL_USE_DOMAIN_NAMES)


@attrs.frozen
class EmailAddress:
    """An email address in canonical form.

    Attributes:
        address: ``local@domain`` in lower case with the domain in Unicode
            form, or None when the address is invalid.
        local: the local part in lower case, or None when invalid.
        domain: the domain in lower-case Unicode form (A-labels decoded), or
            None when invalid.
        mailbox: a second key for providers that ignore dots and plus tags
            (``janedoe@gmail.com`` for ``Jane.Doe+news@GoogleMail.com``), or
            None for other domains and for invalid addresses.
        valid: True when the syntax is valid (deliverability is not checked).
        raw: the text received.
        display: the text received, trimmed, for showing to people.
    """

    address: str | None
    local: str | None
    domain: str | None
    mailbox: str | None
    valid: bool
    raw: str
    display: str

    @property
    def local_letters(self) -> str | None:
        """The local part without its plus tag and separators (``johndoe``).

        Two addresses whose local parts differ only by a dot, dash or
        underscore have equal ``local_letters``.
        """
        if self.local is None:
            return None

        untagged = self.local.split("+", 1)[0] or self.local
        return _SEPARATORS.sub("", untagged)


def _mailbox(local: str, domain: str) -> str | None:
    """The provider's mailbox key, or None when the provider is not known."""
    if domain in _DOTS_AND_TAGS:
        bare = local.split("+", 1)[0].replace(".", "")
        return f"{bare}@{_DOTS_AND_TAGS[domain]}" if bare else None
    if domain in _TAGS_ONLY:
        bare = local.split("+", 1)[0]
        return f"{bare}@{domain}" if bare else None
    return None


def _plain(text: str) -> tuple[str, str] | None:
    """Local part and domain of a plain ASCII address, or None to ask the library."""
    if len(text) > _PLAIN_MAX_LENGTH:
        return None

    found = _PLAIN.fullmatch(text)
    if found is None:
        return None

    domain = found["domain"]
    if "--" in domain or domain.lower().rsplit(".", 1)[-1] in _SPECIAL_USE:
        return None
    return found["local"], domain


@functools.lru_cache(maxsize=2**18)
def _email(raw: str, display: str) -> EmailAddress:
    return _read(raw, display, fast=True)


def _read(raw: str, display: str, *, fast: bool) -> EmailAddress:
    """Normalize one address; ``fast`` lets plain ASCII skip the library.

    The shortcut gives the same result as email-validator; a property test
    holds it to that.
    """
    text = display
    # A single trailing dot is the DNS root, not part of the domain.
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1]
    if text.endswith(".>") and not text.endswith("..>"):
        text = text[:-2] + ">"

    parts = _plain(text) if fast else None
    if parts is None:
        try:
            checked = validate_email(
                text, check_deliverability=False, allow_display_name=True
            )
        except (EmailNotValidError, ValueError, UnicodeError):
            return EmailAddress(None, None, None, None, False, raw, display)
        parts = checked.local_part, checked.domain

    local, domain = parts[0].lower(), parts[1].lower()
    return EmailAddress(
        address=f"{local}@{domain}",
        local=local,
        domain=domain,
        mailbox=_mailbox(local, domain),
        valid=True,
        raw=raw,
        display=display,
    )


def email(raw: object) -> EmailAddress | None:
    """Normalize an email address.

    Whitespace around the address and a display name (``Jane Roe <jane@x.net>``)
    are removed; the domain gets one form whether written in Unicode or as
    A-labels; a single trailing dot after the domain is dropped; case is
    folded. An address with internal whitespace or invalid syntax is kept,
    marked invalid, with no key.

    Args:
        raw: the raw email address.

    Returns:
        None for a missing value, else an :class:`EmailAddress`.
    """
    text = coerce(raw)
    if text is None:
        return None
    raw_text = raw if isinstance(raw, str) else text
    return _email(raw_text, text)
