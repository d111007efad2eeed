"""Text folding shared by the name and address normalizers."""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["fold", "words"]

# Letters that Unicode does not decompose into a base letter plus a mark.
_LETTERS = str.maketrans(
    {
        "ø": "o",
        "đ": "d",
        "ł": "l",
        "ħ": "h",
        "ı": "i",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
        "ð": "d",
        "ŀ": "l",
    }
)

# Apostrophes vanish inside a word (O'Brien is obrien); every other character
# that is neither a letter nor a digit separates words.
_APOSTROPHES = re.compile(r"['’‘`´ʼ]")
_SEPARATORS = re.compile(r"[\W_]+")


@functools.lru_cache(maxsize=2**16)
def fold(text: str) -> str:
    """Fold case and accents: NFC and NFD spellings give the same result.

    Args:
        text: any text.

    Returns:
        The text case-folded, with combining marks removed and compatibility
        characters (ligatures, full-width forms) decomposed.
    """
    # Compatibility forms first (a bold math letter is a letter), then case,
    # then again because case folding can produce composed characters.
    folded = unicodedata.normalize("NFKD", text)
    folded = unicodedata.normalize("NFKD", folded.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", folded.translate(_LETTERS))


def words(text: str) -> list[str]:
    """Split folded text into words on anything but letters and digits.

    Args:
        text: any text.

    Returns:
        The folded words, in order, without empty strings.
    """
    folded = _APOSTROPHES.sub("", fold(text))
    return [w for w in _SEPARATORS.split(folded) if w]
