"""Message screening: abusive words and attempts to move a tutoring deal off the platform.

SPEC.md "Safety": messages in session spaces are screened for abusive keywords (a default
list plus the guild's ``blocked_words``) and for phone numbers, emails, payment handles and
apps, and links outside ``allowed_link_domains``; the matching resists look-alike characters,
spacing, zero-width characters and digit/letter swaps.

Pure: no I/O, no database, no Discord. Matching reads folded views of the text (see
`normalize`) and maps every hit back to the span of the original message, so moderators see
what was actually sent.

Normal tutoring chat is full of numbers (times, dates, scores, equations, page ranges) and
ordinary words that contain a payment app's name; most rules below exist to keep those clean.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

import phonenumbers


class FlagKind(StrEnum):
    """What a message was flagged for, in the order `screen` reports them."""

    ABUSE = "abuse"
    PHONE = "phone"
    EMAIL = "email"
    PAYMENT = "payment"
    LINK = "link"


OFF_PLATFORM = frozenset({FlagKind.PHONE, FlagKind.EMAIL, FlagKind.PAYMENT, FlagKind.LINK})


@dataclass(frozen=True, slots=True)
class ScreeningRules:
    """A guild's screening settings."""

    blocked_words: tuple[str, ...] = ()
    allowed_link_domains: tuple[str, ...] = ()
    phone_regions: tuple[str, ...] = ("US",)


@dataclass(frozen=True, slots=True)
class Flag:
    """One reason a message was flagged, with the original text that matched."""

    kind: FlagKind
    matched: str


DEFAULT_BLOCKED_WORDS: tuple[str, ...] = (
    # Threats and self-harm baiting.
    "kill yourself",
    "kill your self",
    "kill urself",
    "kys",
    "go die",
    "hope you die",
    "i will kill you",
    "i'll kill you",
    "neck yourself",
    "hang yourself",
    # Insults.
    "fuck you",
    "fuck off",
    "motherfucker",
    "piece of shit",
    "bitch",
    "cunt",
    "whore",
    "slut",
    # Slurs. Kept to words with no everyday innocent meaning, so the default list stays
    # conservative; guilds add their own through blocked_words.
    "retard",
    "retarded",
    "faggot",
    "nigger",
    "kike",
)

_MATCHED_MAX = 100


# ---------------------------------------------------------------------------------------------
# Folding: what matching sees
# ---------------------------------------------------------------------------------------------

# Characters that render as nothing (or as blank space) and so can be slipped inside a word.
# Every format character (category Cf: zero-width space/joiners, word joiner, BOM, soft hyphen,
# bidi controls, tag characters) is dropped as well; these are the blank letters that are not Cf.
_INVISIBLE = frozenset("\u115f\u1160\u180e\u2800\u3164\uffa0")

# Look-alikes that NFKC leaves alone, applied before case folding so that Greek capital eta
# (like H) and small eta (like n) each map to what they resemble.
_CONFUSABLES = str.maketrans(
    {
        # Cyrillic capitals and small letters.
        **dict(zip("АВЕКМНОРСТХУЅІЈҮҺӀԚԜѴ", "ABEKMHOPCTXYSIJYHIQWV", strict=True)),
        **dict(zip("авекмнорстхуѕіјүһӏԛԝѵԁпь", "abekmhopctxysijyhlqwvdnb", strict=True)),
        # Greek capitals and small letters.
        **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧϹ", "ABEZHIKMNOPTYXC", strict=True)),
        **dict(zip("αβγεηικμνορτυχωϲϳ", "abyenikuvoptuxwcj", strict=True)),
        # Armenian, IPA and small capitals ("fancy font" generators use these).
        **dict(zip("օսոıȷɑɡɩǀøđłħŧƒ", "ounijagilodlhtf", strict=True)),
        **dict(zip("ᴀʙᴄᴅᴇɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢ", "abcdeghijklmnoprstuvwyz", strict=True)),
        # Punctuation variants, so separators and apostrophes are found whatever their glyph.
        **dict.fromkeys("’‘ʼ`´", "'"),
        **dict.fromkeys("“”", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
        **dict.fromkeys("。｡", "."),
    }
)


def _is_invisible(char: str) -> bool:
    return char in _INVISIBLE or unicodedata.category(char) == "Cf"


def _fold_step(char: str) -> str:
    """One pass over one character: NFKC, look-alikes, case, accents, digits."""
    if _is_invisible(char):
        return ""
    text = unicodedata.normalize("NFKC", char).translate(_CONFUSABLES).casefold()
    decomposed = unicodedata.normalize("NFD", text)
    text = "".join(c for c in decomposed if unicodedata.category(c) not in {"Mn", "Me"})
    text = unicodedata.normalize("NFC", text).translate(_CONFUSABLES)
    # Digits of other scripts (Arabic-Indic, Devanagari...) read as ASCII digits.
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)


@lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    """`_fold_step` repeated until nothing changes, so that `normalize` is idempotent."""
    text = char
    for _ in range(4):  # A handful of passes settles every character Unicode has.
        folded = "".join(_fold_step(c) for c in text)
        if folded == text:
            break
        text = folded
    return text


@dataclass(frozen=True, slots=True)
class _Folded:
    """Folded text and, for each of its characters, the index of the original character."""

    text: str
    origin: tuple[int, ...]

    def original(self, source: str, start: int, end: int) -> str:
        """The original text behind the folded span [start, end)."""
        return source[self.origin[start] : self.origin[end - 1] + 1]


def _fold(text: str) -> _Folded:
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = _fold_char(char)
        chars.append(folded)
        origin.extend([index] * len(folded))
    return _Folded("".join(chars), tuple(origin))


def normalize(text: str) -> str:
    """What matching sees, with look-alikes, case, accents and invisible characters folded.

    The text loses its invisible characters, is NFKC-normalized, has look-alike letters
    folded to Latin, case folded, accents stripped and digits of every script in ASCII.

    Word matching additionally reads leet digits and symbols (0 for o, $ for s...) as letters,
    and phone matching reads o, i and l inside digit groups as digits; both do so on top of
    this text rather than in it, so that each keeps what the other needs.
    """
    return _fold(text).text


def _strict_fold(text: str) -> str:
    """Only what a browser does to a host name (NFKC, case), for the allowed-domain check."""
    visible = "".join(c for c in text if not _is_invisible(c))
    return unicodedata.normalize("NFKC", visible).casefold()


# ---------------------------------------------------------------------------------------------
# Words with evasion resistance
# ---------------------------------------------------------------------------------------------

# Leet swaps: each letter with the digits and symbols written in its place.
_LEET = {"a": "4@", "b": "8", "e": "3", "i": "1!|", "l": "1|", "o": "0", "s": "5$", "t": "7"}

# Characters put between the letters of a spaced-out word ("v.e.n.m.o", "v e n m o").
_SEP = r"[\s.\-_*·•,~/\\()\[\]'\"`:;=#^<>+]"
# Between the words of a several-word term ("cash app", "cash-app", "cashapp", "cash.app"),
# but not ", " or ". ": "an apple, pay attention" is not Apple Pay.
_INNER = r"(?:[\s_\-']*|\.)"
_HAS_LETTER = re.compile(r"[a-z]")
_MIN_SPACED_LETTERS = 3


def _char_class(char: str) -> str:
    """A regex class for one term character and every leet swap of it."""
    variants = {char} | set(_LEET.get(char, ""))
    variants |= {letter for letter, swaps in _LEET.items() if char in swaps}
    for letter in list(variants):
        variants |= set(_LEET.get(letter, ""))
    return "[" + "".join(re.escape(c) for c in sorted(variants)) + "]"


def _term_units(term: str) -> list[list[str]]:
    """The term's words, each a list of character classes (punctuation splits words)."""
    words: list[list[str]] = [[]]
    for char in normalize(term).strip():
        if char.isalnum() or char in "@$!|":
            words[-1].append(_char_class(char))
        elif words[-1]:
            words.append([])
    return [word for word in words if word]


def _term_regex(term: str, *, plural: bool = True) -> str | None:
    """A term written plainly (with leet swaps) or with separators between all its letters.

    The spaced form needs a separator between every letter, so it cannot pick a term out of
    the letters of normal words; it is left out for terms under three letters, where single
    letters and initials would match it by chance.
    """
    words = _term_units(term)
    if not words:
        return None
    contiguous = _INNER.join("".join(word) for word in words)
    if plural:
        contiguous += "(?:e?s)?"
    letters = [unit for word in words for unit in word]
    forms = [contiguous]
    if len(letters) >= _MIN_SPACED_LETTERS:
        forms.append(f"{_SEP}+".join(letters))
    return "(?<![a-z])(?:" + "|".join(forms) + ")(?![a-z])"


def _compile_terms(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    regexes = [r for r in (_term_regex(t) for t in terms) if r is not None]
    return re.compile("|".join(regexes)) if regexes else None


def _first_word_hit(pattern: re.Pattern[str] | None, text: str) -> tuple[int, int] | None:
    """The first hit that has at least one real letter: "1500" is not leet for a word."""
    if pattern is None:
        return None
    for match in pattern.finditer(text):
        if _HAS_LETTER.search(match.group()):
            return match.span()
    return None


_DEFAULT_ABUSE = _compile_terms(DEFAULT_BLOCKED_WORDS)


@lru_cache(maxsize=256)
def _guild_abuse(blocked_words: tuple[str, ...]) -> re.Pattern[str] | None:
    return _compile_terms(blocked_words)


# ---------------------------------------------------------------------------------------------
# Payment handles and apps
# ---------------------------------------------------------------------------------------------

# Names that are not everyday words in English, Spanish or German, so they flag on their own.
# The words of a name may be written joined, so "pay pal" also covers "paypal" and "paypal.me".
_PAYMENT_NAMES = (
    "venmo",
    "pay pal",
    "cash app",
    "apple cash",
    "apple pay",
    "google pay",
    "gpay",
    "samsung pay",
    "alipay",
    "wechat pay",
    "weixin pay",
    "revolut",
    "monzo",
    "transferwise",
    "paytm",
    "skrill",
    "payoneer",
    "moneygram",
    "bizum",
    "twint",
)

# "Zelle" is German for "cell" and "wise" is an English word: they flag only where the text
# talks about paying ("zelle me", "my zelle", "pay via wise", "wise transfer").
_ZELLE_BEFORE = r"(?:via|on|over|through|thru|using|use|with|by|my|your|pay|send|sent|accept)"
_ZELLE_AFTER = r"(?:(?:me|it|you|him|her|them|us|to|at|account|info|handle)(?![a-z])|[@$:\d])"
_PAY_VERB = r"(?:pay|paid|send|sent|transfer)"
_PAY_OBJECT = r"(?:\s+(?:me|it|you|them|us|money|\$?\d+))?"
_VIA = r"(?:via|on|over|through|thru|using|with|by)"
_WISE_VIA = rf"{_PAY_VERB}{_PAY_OBJECT}\s+{_VIA}\s+"
_WISE_AFTER = r"\s*(?:transfer|account|app|tag|payment)(?![a-z])"


def _contextual(term: str, before: str, after: str) -> str:
    """A term that counts only after a word of `before` or before a word of `after`."""
    word = _term_regex(term, plural=False)
    return rf"(?<![a-z]){before}{_SEP}*{word}|{word}(?=\s*{after})"


_PAYMENT = re.compile(
    "|".join(
        [
            *(r for r in (_term_regex(t) for t in _PAYMENT_NAMES) if r),
            _contextual("zelle", _ZELLE_BEFORE, _ZELLE_AFTER),
            rf"(?<![a-z]){_WISE_VIA}{_term_regex('wise', plural=False)}",
            rf"{_term_regex('wise', plural=False)}(?={_WISE_AFTER})",
        ]
    )
)

# A Cash App $cashtag; "$20" starts with a digit, and "$sin(x)$" or "$abc$" are LaTeX.
_CASHTAG = re.compile(r"(?<![\w$])\$[a-z][a-z0-9_\-]{2,19}(?![\w$^{(\\])")


def _find_payment(view: str) -> tuple[int, int] | None:
    hits = [_first_word_hit(_PAYMENT, view)]
    cashtag = _CASHTAG.search(view)
    hits.append(cashtag.span() if cashtag else None)
    return _earliest(hits)


# ---------------------------------------------------------------------------------------------
# Phone numbers
# ---------------------------------------------------------------------------------------------

_DIGITISH_TOKEN = re.compile(r"[a-z0-9]+")
_LETTER_DIGITS = str.maketrans("oil", "011")

# A local number written with a separator: "555-0100", "555 0100", "555.0100".
_LOCAL_NUMBER = re.compile(r"(?<![\d.,])\d{3}(?:\s*[.\-]\s*|\s+)\d{4}(?!\d|[.,]\d)")

_NUMBER_WORDS = frozenset(
    {
        *("zero", "oh", "o", "one", "two", "three", "four", "five"),
        *("six", "seven", "eight", "nine"),
        *("cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"),
        *("null", "eins", "zwei", "zwo", "drei", "vier", "funf", "sechs", "sieben", "acht"),
        "neun",
    }
)
_RUN_TOKEN = re.compile(r"[a-z]+|\d+")
# Between the digits of a spelled-out number; not ":" or "/" (times and dates) nor ","
# (lists such as "problems 1, 2, 3, 4, 5, 6, 7").
_RUN_GAP = re.compile(r"[\s.\-_()]*")
_MIN_DIGITS, _MAX_DIGITS = 7, 15
_FULL_NUMBER_DIGITS, _MAX_GROUPS, _MAX_GROUP_DIGITS, _MIN_LOOSE_DIGITS = 10, 4, 4, 3
_NANP_COUNTRY_CODE = 1


def _digit_view(view: str) -> str:
    """The view with o, i and l read as digits inside digit groups ("555-O1OO").

    Same length as the view, so spans carry over unchanged.
    """

    def swap(match: re.Match[str]) -> str:
        token = match.group()
        if any(c.isdigit() for c in token) and set(token) <= set("0123456789oil"):
            return token.translate(_LETTER_DIGITS)
        return token

    return _DIGITISH_TOKEN.sub(swap, view)


def _written_with_trunk_prefix(match: phonenumbers.PhoneNumberMatch, region: str) -> bool:
    """Whether a national number carries its country's trunk prefix, as people write them.

    German metadata makes "2026-12-07" or "300-400" a valid number, but a German writes
    0203 1207...; so outside the North American plan (where 415 555 0100 is dialled as is)
    a number given without a country code must start with the national prefix.
    """
    # The matcher does not keep the raw input, so parse again to learn how it was written.
    try:
        number = phonenumbers.parse(match.raw_string, region, keep_raw_input=True)
    except phonenumbers.NumberParseException:
        return False
    if number.country_code_source != phonenumbers.CountryCodeSource.FROM_DEFAULT_COUNTRY:
        return True
    if phonenumbers.country_code_for_region(region) == _NANP_COUNTRY_CODE:
        return True
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    prefix = metadata.national_prefix if metadata else None
    return not prefix or "".join(re.findall(r"\d", match.raw_string)).startswith(prefix)


def _plausible(match: phonenumbers.PhoneNumberMatch, region: str) -> bool:
    """Whether a lenient candidate is a number rather than a score, a date or an ISBN.

    Leniency.POSSIBLE alone calls "1500" a German number; a candidate counts when it is
    written as a national or international number and is valid for its region, or is a
    full-length number in a few groups that the metadata does not know (555-555-5555).
    """
    if not _written_with_trunk_prefix(match, region):
        return False
    if phonenumbers.is_valid_number(match.number):
        return True
    groups = re.findall(r"\d+", match.raw_string)
    digits = sum(len(g) for g in groups)
    return _FULL_NUMBER_DIGITS <= digits <= _MAX_DIGITS and len(groups) <= _MAX_GROUPS


def _library_hit(view: str, regions: tuple[str, ...]) -> tuple[int, int] | None:
    """The first number phonenumbers finds, trying each of the guild's regions."""
    hits: list[tuple[int, int] | None] = []
    for region in (r.upper() for r in regions):
        matcher = phonenumbers.PhoneNumberMatcher(
            view, region, leniency=phonenumbers.Leniency.POSSIBLE
        )
        hits.append(next(((m.start, m.end) for m in matcher if _plausible(m, region)), None))
    return _earliest(hits)


def _digit_runs(view: str) -> Iterator[list[re.Match[str]]]:
    """Runs of digit groups and number words with only spacing between them."""
    run: list[re.Match[str]] = []
    for token in _RUN_TOKEN.finditer(view):
        digitish = token.group().isdigit() or token.group() in _NUMBER_WORDS
        joined = bool(run) and _RUN_GAP.fullmatch(view, run[-1].end(), token.start()) is not None
        if run and not (digitish and joined):
            yield run
            run = []
        if digitish:
            run.append(token)
    if run:
        yield run


def _spelled_number(run: list[re.Match[str]]) -> bool:
    """Whether a run spells a number: "five five five oh one oh oh" or "5 5 5 0 1 0 0".

    Groups of several digits alone ("10 30 11 45") are left to the other rules; a run counts
    when at least three of its digits are spelled out or stand alone.
    """
    groups = [t.group() for t in run if t.group().isdigit()]
    words = len(run) - len(groups)
    digits = words + sum(len(g) for g in groups)
    loose = words + sum(len(g) == 1 for g in groups)
    short_groups = all(len(g) <= _MAX_GROUP_DIGITS for g in groups)
    return _MIN_DIGITS <= digits <= _MAX_DIGITS and short_groups and loose >= _MIN_LOOSE_DIGITS


_SPACED_LETTERS = re.compile(r"\b[a-z](?:[\s.\-_][a-z])+\b")
# Number words run together ("fivefiveoh"), longest alternatives first.
_NUMBER_WORD_ALTERNATIVES = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_NUMBER_WORD_RUN = re.compile(rf"(?:{_NUMBER_WORD_ALTERNATIVES})+")
_NUMBER_WORD_RUN_PART = re.compile(_NUMBER_WORD_ALTERNATIVES)


def _closed_up(view: str) -> str:
    """Letter-spaced number words closed up in place ("f i v e" → "five   ").

    Same length as the view (the gaps move to the end), so spans carry over.
    """

    def close(match: re.Match[str]) -> str:
        letters = match.group()[::2]
        if not _NUMBER_WORD_RUN.fullmatch(letters):
            return match.group()
        return " ".join(_NUMBER_WORD_RUN_PART.findall(letters)).ljust(len(match.group()))

    return _SPACED_LETTERS.sub(close, view)


def _spelled_hit(view: str) -> tuple[int, int] | None:
    view = _closed_up(view)
    for run in _digit_runs(view):
        if _spelled_number(run):
            return run[0].start(), run[-1].end()
    return None


def _find_phone(view: str, regions: tuple[str, ...]) -> tuple[int, int] | None:
    digits = _digit_view(view)
    local = _LOCAL_NUMBER.search(digits)
    return _earliest(
        [_library_hit(digits, regions), local.span() if local else None, _spelled_hit(digits)]
    )


# ---------------------------------------------------------------------------------------------
# Emails and links
# ---------------------------------------------------------------------------------------------

_LABEL = r"[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?"
# Not after "/": in "https://user@host" the user is part of a link, not a mailbox.
_LOCAL = r"(?<![a-z0-9._%+\-/])[a-z0-9](?:[a-z0-9._%+\-]{0,62}[a-z0-9])?"
_AT_BRACKETED = r"\s*[(\[{<]\s*(?:at|@)\s*[)\]}>]\s*"
_DOT_BRACKETED = r"\s*[(\[{<]\s*(?:dot|\.)\s*[)\]}>]\s*"
_AT = rf"(?:{_AT_BRACKETED}|\s*@\s*|\s+at\s+)"
# An obfuscated dot: "(dot)", "[.]", " dot ", or a dot with a space before it ("gmail . com");
# not "home. me", which is just the end of a sentence.
_DOT_OBFUSCATED = rf"(?:{_DOT_BRACKETED}|\s+dot\s+|\s+\.\s*)"
_DOT_ANY = rf"(?:{_DOT_OBFUSCATED}|\.)"

# Spelled-out addresses end in a common top-level domain, so "a dot b" stays mathematics.
_SPELLED_TLDS = "com|net|org|edu|gov|io|co|me|us|uk|de|es|fr|ca|au|mx|info|biz|ac|gg|ly|ai|app|dev"
# Bare host names ("example.com/x") need a known top-level domain too, minus those that are
# also file extensions (main.py, notes.md, run.sh, lib.rs, a.zip) or English words (it, is, in).
_LINK_TLDS = (
    "com|net|org|edu|gov|mil|io|co|me|us|uk|ca|au|nz|ie|de|fr|es|nl|ch|se|eu|ru|cn|jp|kr|tw|"
    "hk|sg|br|mx|ar|za|info|biz|app|dev|xyz|site|online|link|live|club|top|page|gg|ly|gl|"
    "tv|fm|ai|ws|cc"
)

_EMAIL_PLAIN = re.compile(rf"{_LOCAL}@{_LABEL}(?:\.{_LABEL})*\.[a-z]{{2,24}}(?![a-z0-9\-])")
_EMAIL_SPELLED = re.compile(
    rf"{_LOCAL}(?P<at>{_AT}){_LABEL}(?:{_DOT_ANY}{_LABEL})*(?P<dot>{_DOT_ANY})"
    rf"(?:{_SPELLED_TLDS})(?![a-z0-9\-])"
)
_MAIL_PROVIDERS = r"(?:gmail|googlemail|yahoo|hotmail|outlook|icloud|protonmail|proton|aol|gmx)"
_EMAIL_PROVIDER = re.compile(rf"{_LOCAL}{_AT}{_MAIL_PROVIDERS}(?![a-z0-9])")
_BARE_AT = re.compile(r"\s+at\s+")
_EMAILISH_LOCAL = re.compile(r"[._%+\-\d]")


def _spelled_email_counts(view: str, match: re.Match[str]) -> bool:
    """Whether a spelled address is mail: "jo.smith at school.edu", not "look at x.com".

    A bare " at " before a plainly dotted host is an email only when the host is a mail
    provider or the part before " at " looks like a mailbox name.
    """
    spelled_dots = re.search(_DOT_OBFUSCATED, match.group()) is not None
    if spelled_dots or not _BARE_AT.fullmatch(match.group("at")):
        return True
    local = view[match.start() : match.start("at")]
    host = view[match.end("at") : match.end()]
    return bool(_EMAILISH_LOCAL.search(local) or re.match(_MAIL_PROVIDERS, host))


def _email_spans(view: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in _EMAIL_PLAIN.finditer(view)]
    spans += [m.span() for m in _EMAIL_SPELLED.finditer(view) if _spelled_email_counts(view, m)]
    spans += [m.span() for m in _EMAIL_PROVIDER.finditer(view)]
    return sorted(spans, key=_longest_first)


_URL_REST = r"""(?:[/?#][^\s<>"'`]*)?"""
_LINK_SCHEME = re.compile(
    rf"""(?<![a-z0-9])[a-z][a-z0-9+.\-]{{1,15}}://(?P<host>[^\s/?#<>"'`\\]+){_URL_REST}"""
)
_LINK_WWW = re.compile(rf"(?<![a-z0-9.\-@_])(?P<host>www\d{{0,3}}(?:\.{_LABEL})+){_URL_REST}")
_LINK_BARE = re.compile(
    rf"(?<![a-z0-9.\-@_/])(?P<host>(?:{_LABEL}\.)+(?:{_LINK_TLDS}))"
    rf"(?![a-z0-9\-]|\.[a-z0-9]){_URL_REST}"
)
_LINK_SPELLED = re.compile(
    rf"(?<![a-z0-9.\-@_/])(?P<host>{_LABEL}(?:{_DOT_ANY}{_LABEL})*{_DOT_OBFUSCATED}"
    rf"(?:{_SPELLED_TLDS}))(?![a-z0-9\-])"
)
_LINK_PATTERNS = (_LINK_SCHEME, _LINK_WWW, _LINK_BARE, _LINK_SPELLED)
# "the dot com bubble" is economics, not a host called the.com.
_NOT_A_HOST = frozenset({"the", "a", "an", "this", "that", "dot"})


def _host_name(host: str) -> str:
    """The host of a matched authority: no user info, port, brackets or trailing dot."""
    host = host.rsplit("@", 1)[-1]
    if not host.startswith("["):
        host = host.split(":", 1)[0]
    return re.sub(_DOT_ANY, ".", host.strip("[]")).strip(".")


def _is_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    return any(host == domain or host.endswith("." + domain) for domain in allowed)


def _allowed_domains(rules: ScreeningRules) -> tuple[str, ...]:
    domains = rules.allowed_link_domains
    cleaned = (_strict_fold(d).strip().removeprefix("*.").strip(".") for d in domains)
    return tuple(d for d in cleaned if d)


@dataclass(frozen=True, slots=True)
class _Message:
    """A message and its folded view, as the link rules need both."""

    source: str
    folded: _Folded


def _link_counts(message: _Message, match: re.Match[str], allowed: tuple[str, ...]) -> bool:
    """Whether a link candidate is a host outside the allowed domains.

    The allowed check reads the host as sent, with only NFKC and case folded: "sсhool.edu"
    with a Cyrillic "с" folds to school.edu for matching, but it is another domain.
    """
    host = _host_name(match.group("host"))
    if host.split(".", 1)[0] in _NOT_A_HOST and match.re is _LINK_SPELLED:
        return False
    if not _is_allowed(host, allowed):
        return True
    sent = message.folded.original(message.source, *match.span("host"))
    return _host_name(_strict_fold(sent)) != host


def _find_link(
    message: _Message, rules: ScreeningRules, emails: list[tuple[int, int]]
) -> tuple[int, int] | None:
    """The first link outside the allowed domains that is not the domain of an email."""
    view = message.folded.text
    allowed = _allowed_domains(rules)
    hits: list[tuple[int, int] | None] = []
    for pattern in _LINK_PATTERNS:
        for match in pattern.finditer(view):
            inside_email = pattern is not _LINK_SCHEME and any(
                s < match.end() and match.start() < e for s, e in emails
            )
            if not inside_email and _link_counts(message, match, allowed):
                hits.append(match.span())
                break
    return _earliest(hits)


# ---------------------------------------------------------------------------------------------
# Screening
# ---------------------------------------------------------------------------------------------


def _longest_first(span: tuple[int, int]) -> tuple[int, int]:
    """Order by start, and the longer of two hits that start together first."""
    return span[0], -span[1]


def _earliest(spans: list[tuple[int, int] | None]) -> tuple[int, int] | None:
    found = [span for span in spans if span is not None]
    return min(found, key=_longest_first) if found else None


def _find_abuse(view: str, rules: ScreeningRules) -> tuple[int, int] | None:
    return _earliest(
        [
            _first_word_hit(_DEFAULT_ABUSE, view),
            _first_word_hit(_guild_abuse(rules.blocked_words), view),
        ]
    )


def screen(text: str, rules: ScreeningRules) -> tuple[Flag, ...]:
    """Flag a message: at most one `Flag` per kind, in `FlagKind` order.

    Each flag carries the first matching span of the original text (cut to 100 characters)
    so a moderator sees what was sent, look-alikes and all.
    """
    message = _Message(text, _fold(text))
    view = message.folded.text
    emails = _email_spans(view)
    spans = {
        FlagKind.ABUSE: _find_abuse(view, rules),
        FlagKind.PHONE: _find_phone(view, rules.phone_regions),
        FlagKind.EMAIL: emails[0] if emails else None,
        FlagKind.PAYMENT: _find_payment(view),
        FlagKind.LINK: _find_link(message, rules, emails),
    }
    return tuple(
        Flag(kind, message.folded.original(text, *span)[:_MATCHED_MAX])
        for kind, span in spans.items()
        if span is not None
    )
