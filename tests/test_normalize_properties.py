"""Properties of the normalizers: total on any input, idempotent, cache-safe."""

from __future__ import annotations

import datetime
from itertools import zip_longest

import phonenumbers
from hypothesis import example, given, settings
from hypothesis import strategies as st

from profilematch import normalize
from profilematch._normalize import _country, _email, _phone

# Text from every Unicode category, plus strings built from the characters
# that phone, email, name and date parsing react to, so both get explored.
_SYMBOLS = "0123456789+-()[]./,;:#@xXextEXT _'\\\"<>\t\n\u00a0éøßİı"
any_text = st.text() | st.text(alphabet=_SYMBOLS, max_size=40)
junk = (
    st.none()
    | st.integers()
    | st.floats()
    | st.booleans()
    | st.binary(max_size=20)
    | st.dates()
    | st.lists(st.integers(), max_size=3)
)
regions = st.none() | st.sampled_from(["US", "FR", "SE", "AR", "JO", "GB", "XX", "usa"])

# A fixed example budget keeps the suite quick; the alphabet does the aiming.
_SETTINGS = settings(max_examples=300, deadline=None)


@_SETTINGS
@given(raw=any_text | junk, region=regions | any_text)
def test_phone_is_total(raw: object, region: object) -> None:
    """phone() returns None or a PhoneNumber for any input and any region."""
    result = normalize.phone(raw, region)

    assert result is None or isinstance(result, normalize.PhoneNumber)
    assert result is None or result.e164 is None or result.e164.startswith("+")


@_SETTINGS
@given(raw=any_text | junk)
def test_email_is_total(raw: object) -> None:
    """email() returns None or an EmailAddress, with a key only when valid."""
    result = normalize.email(raw)

    assert result is None or isinstance(result, normalize.EmailAddress)
    if result is not None and not result.valid:
        assert result.address is None
        assert result.mailbox is None


@_SETTINGS
@given(full=any_text | junk, first=any_text | junk, last=any_text | junk)
def test_name_is_total(full: object, first: object, last: object) -> None:
    """name() returns None or a PersonName whose tokens are all non-empty."""
    for result in (normalize.name(full), normalize.name(first=first, last=last)):
        assert result is None or all(result.tokens)


@_SETTINGS
@given(raw=any_text | junk)
def test_birth_date_is_total(raw: object) -> None:
    """birth_date() returns at most two ISO dates, each a real past date."""
    result = normalize.birth_date(raw)

    assert len(result) <= 2
    for value in result:
        assert datetime.date.fromisoformat(value) <= datetime.date.today()


@_SETTINGS
@given(line=any_text | junk, city=any_text | junk, code=any_text, country=any_text)
def test_address_is_total(line: object, city: object, code: str, country: str) -> None:
    """address() returns None or a PostalAddress for any input."""
    result = normalize.address(line, city=city, postal_code=code, country=country)

    assert result is None or isinstance(result, normalize.PostalAddress)


@_SETTINGS
@given(raw=any_text | junk)
def test_small_helpers_are_total(raw: object) -> None:
    """country(), is_missing(), phonetic() and nickname_keys() accept anything."""
    code = normalize.country(raw)

    assert code is None or (len(code) == 2 and code.isupper())
    assert isinstance(normalize.is_missing(raw), bool)
    assert isinstance(normalize.phonetic(raw), str)
    assert isinstance(normalize.nickname_keys(raw), frozenset)


phone_like = st.builds(
    lambda cc, digits, ext: f"+{cc} {digits}" + (f" ext. {ext}" if ext else ""),
    st.sampled_from(["1", "33", "44", "46", "49", "54", "91", "962"]),
    st.text(alphabet="0123456789 -", min_size=6, max_size=16),
    st.none() | st.text(alphabet="0123456789", min_size=1, max_size=5),
)


@_SETTINGS
@given(raw=phone_like | any_text, region=regions)
@example(raw="+1 201 555 0123 ext. 136", region=None)
def test_phone_is_idempotent(raw: str, region: str | None) -> None:
    """Normalizing a phone's canonical form gives the same E.164 and extension."""
    first = normalize.phone(raw, region)
    if first is None or first.canonical is None:
        return

    again = normalize.phone(first.canonical, region)
    assert again is not None
    assert (first.e164, first.extension, first.valid) == (
        again.e164,
        again.extension,
        again.valid,
    )


email_like = st.builds(
    lambda local, domain: f"{local}@{domain}",
    st.text(alphabet="abcXYZ09._+-", min_size=1, max_size=12),
    st.sampled_from(["gmail.com", "GoogleMail.com", "example.org", "smør.dk", "x.io."]),
)


@_SETTINGS
@given(raw=email_like | any_text)
def test_email_is_idempotent(raw: str) -> None:
    """Normalizing a canonical address gives the same address and mailbox key."""
    first = normalize.email(raw)
    if first is None or first.address is None:
        return

    again = normalize.email(first.address)
    assert again is not None
    assert (first.address, first.mailbox) == (again.address, again.mailbox)


@_SETTINGS
@given(full=any_text | st.sampled_from(["Dr. Paul Edward King Jr.", "Barlow, Ed"]))
def test_name_is_idempotent(full: str) -> None:
    """Normalizing a name's canonical parts gives the same parts back."""
    first = normalize.name(full)
    if first is None:
        return

    again = normalize.name(first=first.first, middle=first.middle, last=first.last)
    assert again is not None
    assert (first.first, first.middle, first.last, first.tokens) == (
        again.first,
        again.middle,
        again.last,
        again.tokens,
    )


@_SETTINGS
@given(raw=any_text | st.dates().map(lambda d: d.strftime("%m/%d/%y")))
def test_birth_date_is_idempotent(raw: str) -> None:
    """Each ISO reading of a birth date reads back as itself alone."""
    for value in normalize.birth_date(raw):
        assert (value,) == normalize.birth_date(value)


street_line = st.builds(
    lambda house, words, kind, unit: " ".join(
        part for part in (house, *words, kind, unit) if part
    ),
    st.none() | st.text(alphabet="0123456789", min_size=1, max_size=5),
    st.lists(
        st.sampled_from(["Main", "Tiffany", "Oak", "North", "Saint", "Lee"]),
        min_size=1,
        max_size=3,
    ),
    st.sampled_from(["", "Street", "St.", "Roads", "Avenue", "Ave", "Rd", "Mount"]),
    st.none() | st.sampled_from(["Suite 380", "Apt. 4B", "Unit 7", "Ste 12"]),
)


@_SETTINGS
@given(
    line=street_line,
    city=any_text,
    code=any_text,
    country=st.sampled_from(["US", "Germany", "UK", ""]),
)
def test_address_is_idempotent(line: str, city: str, code: str, country: str) -> None:
    """Normalizing an address's canonical parts gives the same address back."""
    first = normalize.address(line, city=city, postal_code=code, country=country)
    if first is None:
        return

    rebuilt = " ".join(p for p in (first.house_number, first.street, first.unit) if p)
    again = normalize.address(
        rebuilt,
        city=first.city,
        postal_code=first.postal_code,
        country=first.country,
        state=first.state,
    )
    assert first == again


@_SETTINGS
@given(line=any_text)
def test_address_words_are_idempotent(line: str) -> None:
    """Normalizing any canonical street, city or postcode text changes nothing."""
    first = normalize.address(city=line, postal_code=line, state=line)
    if first is None:
        return

    again = normalize.address(
        city=first.city, postal_code=first.postal_code, state=first.state
    )
    assert first == again


@_SETTINGS
@given(raw=any_text)
def test_country_is_idempotent(raw: str) -> None:
    """The alpha-2 code of a country is its own alpha-2 code."""
    code = normalize.country(raw)

    if code is not None:
        assert code == normalize.country(code)


nanp_like = st.builds(
    lambda prefix, digits, separators: (
        prefix
        + "".join(d + s for d, s in zip_longest(digits, separators, fillvalue=""))
    ),
    st.sampled_from(["", "+", "+1", "1", "+1 ", "1-", "(", "+ 1 ("]),
    st.text(alphabet="0123456789", min_size=7, max_size=12),
    st.lists(
        st.sampled_from(["", "", " ", "-", ".", ")", "/", "(", " ) "]), max_size=12
    ),
)
nanp_regions = st.none() | st.sampled_from(
    ["US", "CA", "BS", "JM", "PR", "GU", "AG", "TT", "DO", "FR", "GB"]
)


@settings(max_examples=1000, deadline=None)
@given(raw=nanp_like | phone_like | any_text, region=nanp_regions)
@example(raw="305-443-1879", region="US")
@example(raw="1 950 555 0123", region="CA")
@example(raw="+1 242 555 0123", region="BS")
def test_phone_fast_path_equals_library(raw: str, region: str | None) -> None:
    """The shortcuts for plain North American numbers give the library's result."""
    fast = _phone._read(raw, region, fast=True)

    assert _phone._read(raw, region, fast=False) == fast


ascii_email_like = st.builds(
    lambda local, domain, tld: f"{local}@{domain}.{tld}",
    st.text(alphabet="aZ09._+-!#'`~|{}\"( ", min_size=0, max_size=70),
    st.text(alphabet="aZ09.-_", min_size=0, max_size=70),
    st.sampled_from(
        ["com", "IO", "c", "1a", "a1", "test", "local", "arpa", "xn--p1ai", ""]
    ),
)


@settings(max_examples=1000, deadline=None)
@given(raw=ascii_email_like | email_like | any_text)
@example(raw="Jane.Doe+news@GoogleMail.com")
@example(raw="a@b--c.com")
def test_email_fast_path_equals_library(raw: str) -> None:
    """The shortcut for plain ASCII addresses gives email-validator's result."""
    fast = _email._read(raw, raw.strip(), fast=True)

    assert _email._read(raw, raw.strip(), fast=False) == fast


@settings(max_examples=1000, deadline=None)
@given(
    region=st.sampled_from(sorted(phonenumbers.SUPPORTED_REGIONS)),
    national=st.text(alphabet="0123456789", min_size=3, max_size=14),
    foreign=st.booleans(),
)
@example(region="US", national="2015550123", foreign=False)
@example(region="CA", national="5062345678", foreign=False)
def test_valid_for_region_equals_library(
    region: str, national: str, foreign: bool
) -> None:
    """The precompiled validity check agrees with phonenumbers for every region."""
    code = 1 if foreign else phonenumbers.country_code_for_region(region)
    number = phonenumbers.PhoneNumber(
        country_code=code,
        national_number=int(national),
        italian_leading_zero=national.startswith("0") or None,
        number_of_leading_zeros=len(national) - len(national.lstrip("0")) or None,
    )

    expected = phonenumbers.is_valid_number_for_region(number, region)
    assert expected == _phone._valid_for_region(number, region)


def test_every_alias_code_is_its_own_code() -> None:
    """Each alpha-2 code an alias maps to reads back as itself."""
    codes = sorted(set(_country._ALIASES.values()))

    assert codes == [normalize.country(code) for code in codes]
