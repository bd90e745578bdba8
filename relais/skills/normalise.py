"""The one normal form that skill surface forms and post text are both reduced to before matching.

Lower case, accents removed (``é`` → ``e``, ``œ`` → ``oe``), every character that is not an ASCII
letter or digit turned into a space (so the French elisions ``l'évaluation``, ``d’accueil``,
``qu'il`` separate from the next word), runs of spaces collapsed, one space at each end. Three
marks are kept as words of their own, so that no match, cue or list runs across them: list
separators (comma, semicolon, bullet, pipe, line break) become ``,``, sentence ends (``.``,
``!``, ``?``) become ``.``, and colons stay ``:``. Hashtags are split where their case changes
(``#GestionDeProjet`` → ``# gestion de projet``, ``#RGPDCompliance`` → ``# rgpd compliance``) or
at underscores (``#gestion_de_projet``); the ``#`` itself is kept as a word of its own, so a
match can tell it was written as a hashtag. Letters outside Latin scripts and emojis are dropped.

The work is done by C-level string methods (Latin-1 encoding with an error handler for what lies
beyond, ``bytes.translate``, ``bytes.replace``, ``split``); the only regular expression, the case
split, runs on the text from its first ``#`` onwards, where hashtags are, and only when there is one.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

_LOWER = "a-zß-öø-ÿœ"
_UPPER = "A-ZÀ-ÖØ-ÞŒ"
CASE_CHANGE = re.compile(rf"(?=[{_UPPER}])(?:(?<=[{_LOWER}0-9])|(?<=[{_UPPER}])(?=[{_UPPER}][{_LOWER}]))")
"""Where a CamelCase word splits: before an upper-case letter that follows a lower-case letter or a
digit, and before the last capital of an acronym followed by a lower-case letter (``RGPDCompliance``).
The upper-case letter is looked for first: it fails at most positions, which makes the scan about
twice as fast as trying the letter before first."""


LIST_SEPARATORS = ",;|\n"
"""Characters that separate the items of a list; each becomes a ``,`` word of its own."""

SENTENCE_ENDS = ".!?"
"""Characters that end a sentence; each becomes a ``.`` word of its own (``:`` stays a ``:`` word)."""


def _byte_table(keep_case: bool) -> bytes:
    table = bytearray(b" " * 256)
    for code in range(256):
        char = chr(code)
        if "a" <= char <= "z" or "0" <= char <= "9" or char == "#":
            table[code] = code
        elif "A" <= char <= "Z":
            table[code] = code if keep_case else code + 32
        elif char in LIST_SEPARATORS:
            table[code] = ord(",")
        elif char in SENTENCE_ENDS:
            table[code] = ord(".")
        elif char == ":":
            table[code] = code
    return bytes(table)


LOWER_TABLE = _byte_table(keep_case=False)
CASED_TABLE = _byte_table(keep_case=True)

_MARKS = ((b",", b" , "), (b".", b" . "), (b":", b" : "))
_SPACED = {
    "’": " ",
    "‘": " ",
    "ʼ": " ",
    "–": " ",
    "—": " ",
    "•": ",",
    "œ": "oe",
    "Œ": "OE",
    "æ": "ae",
    "Æ": "AE",
}


def split_case(text: str) -> str:
    """Insert a space wherever a CamelCase word changes case: ``GestionDeProjet`` → ``Gestion De Projet``."""
    return CASE_CHANGE.sub(" ", text)


def normalise(text: str, keep_case: bool = False, split_all: bool = False) -> str:
    """The normal form of a text: ``" fiere de relayer # gestion de projet "``.

    Hashtags (everything from the first ``#``) are split at case changes; with ``split_all`` the
    whole text is (used for the CamelCase variant of a surface form). With ``keep_case`` letters
    keep their case, word for word the same as the lower-case form.
    """
    words = normal_words(text, keep_case, split_all)
    return f" {' '.join(words)} " if words else " "


def normal_words(text: str, keep_case: bool = False, split_all: bool = False) -> list[str]:
    """The words of the normal form, in order (``normalise`` joins them with single spaces)."""
    if split_all:
        text = split_case(text)
    table = CASED_TABLE if keep_case else LOWER_TABLE
    return _marked(_ascii(_split_hashtags(text)), table).split()


def _split_hashtags(text: str) -> str:
    """The text with its hashtags (from the first ``#`` on) split at case changes, ``#`` a word of its own."""
    hash_at = text.find("#")
    if hash_at < 0:
        return text
    return text[:hash_at] + split_case(text[hash_at:]).replace("#", "# ")


def ascii_form(char: str) -> str:
    """What is left of one character in ASCII: its ``_SPACED`` replacement or its compatibility
    decomposition (NFKD), without what is not ASCII (``é`` → ``e``, ``²`` → ``2``, ``🎓`` → ``""``)."""
    spelt = _SPACED.get(char, char)
    return unicodedata.normalize("NFKD", spelt).encode("ascii", "ignore").decode("ascii")


_LATIN_1 = [chr(code) for code in range(256)]
_SPELT_OUT = {
    char: form
    for char in [*_SPACED, *_LATIN_1]
    if len(form := ascii_form(char)) > 1 or (ord(char) > 0xFF and form)
}
"""Characters replaced before encoding: those whose ASCII form is longer than one character
(``œ``, ``½``) and those above Latin-1 that keep one (typographic quotes and dashes)."""
_LATIN_1_TABLE = bytes(ord((ascii_form(char) or " ")[0]) for char in _LATIN_1)
"""Latin-1 byte → its ASCII form (the entries of characters spelt out or dropped are never used)."""
_LATIN_1_DROPPED = bytes(code for code, char in enumerate(_LATIN_1) if not ascii_form(char))


def _fold_beyond_latin_1(error: UnicodeError) -> tuple[str, int]:
    """Encoding error handler: a run of characters above Latin-1 replaced by their ASCII forms."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    run = error.object[error.start : error.end]
    return "".join(map(ascii_form, run)), error.end


codecs.register_error("relais-ascii-form", _fold_beyond_latin_1)


def _ascii(text: str) -> bytes:
    """The text in ASCII: typographic quotes and dashes spaced, ligatures spelt out, accents dropped.

    The same bytes as NFKD then ASCII encoding of the whole text, as the decomposition works
    character by character and everything it adds beyond ASCII is dropped; but the text is encoded
    in Latin-1, where French accents are, and one byte table folds them. Only characters above
    Latin-1 that are not replaced beforehand (emojis, other scripts) reach the error handler, one
    call per run of them. 2.3 to 2.8 times faster than NFKD on the posts of the benchmarks.
    """
    if text.isascii():
        return text.encode("ascii")
    for char, replacement in _SPELT_OUT.items():
        if char in text:
            text = text.replace(char, replacement)
    return text.encode("latin-1", "relais-ascii-form").translate(_LATIN_1_TABLE, _LATIN_1_DROPPED)


def _marked(data: bytes, table: bytes) -> str:
    """ASCII bytes through ``table``, doubled list separators and sentence ends collapsed, marks spaced."""
    data = data.translate(table)
    for doubled in (b"..", b",,"):
        while doubled in data:
            data = data.replace(doubled, doubled[:1])
    for mark, around in _MARKS:
        if mark in data:
            data = data.replace(mark, around)
    return data.decode("ascii")


_SEPARATOR = "\x1f"
"""Joins the texts of a batch: a control character the normal form turns into a space anyway."""


TEXT_BREAK = "|"
"""The word ``spaced_flat`` puts between two texts (the table turns a ``|`` of a text into ``,``)."""
_FLAT_TABLE = LOWER_TABLE[:0x1F] + TEXT_BREAK.encode() + LOWER_TABLE[0x20:]


def spaced(words: list[str]) -> str:
    """Words each between two spaces of its own, ``" gestion  de  projet "``: the form the skill
    matcher's keys and scanned texts take (``""`` for no words)."""
    return f" {'  '.join(words)} " if words else ""


def spaced_flat(texts: list[str]) -> str:
    """``spaced(normal_words(text))`` of many texts in one string, the spaced ``TEXT_BREAK`` word
    (``" | "``) between two texts: what the matcher scans in one pass, several times faster than
    text by text on short texts.

    The texts are joined by a separator that survives each step, so the C-level steps (accents,
    translation, marks, spacing) run once over the batch instead of once per text. Every step works
    within a text: folding accents never moves a character across the separator, and doubled marks or
    spaces cannot run across it. ``split(f" {TEXT_BREAK} ")`` gives back each text's spaced form.
    """
    if not texts:
        return ""
    joined = f" {_SEPARATOR} ".join(_split_hashtags(text.replace(_SEPARATOR, " ")) for text in texts)
    return spaced(_marked(_ascii(joined), _FLAT_TABLE).split())


def words(text: str) -> str:
    """The normal form without its framing spaces: ``"gestion de projet"``."""
    return normalise(text).strip()
