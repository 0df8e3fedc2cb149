"""How a name is found without being stored: the keyed hashes a member's name is indexed by.

Each name gives three kinds of key, all sealed with the blind-index key (never a name, a sound
code or a prefix in clear):

- ``WORD``: each word as written, folded (case, accents, dotless i …): exact search;
- ``PREFIX``: each word's first three letters or more ("Osho" finds "Oshodi");
- ``SOUND``: each word's sound, and each part's words written together ("Abdul Rahman" as
  "Abdulrahman"): "Muhammad Aly" finds "Mohamed Ali", and a family referred again under
  another spelling is recognised.

The sound is Metaphone (jellyfish) of the word after the spellings that Metaphone does not know
are written one way: transliterations of Arabic, Tigrinya, Somali, West African and Albanian
names as Belgian and Dutch offices write them (kh/k, gh/g, dj/xh/zh/j, ou/u, a first vowel,
final vowels, Abdel/Abdul/Abder, -aj). ``tests/cases/name_pairs.tsv`` holds the pairs this
is measured on.
"""

import re
from dataclasses import dataclass

import jellyfish

from parcours.privacy.crypto import blind_index, normalise


class Key:
    WORD = "w"
    PREFIX = "p"
    SOUND = "s"


# The purposes keep the three kinds apart: a word's digest never equals a sound's.
PURPOSE = {Key.WORD: "person-name", Key.PREFIX: "person-name-prefix", Key.SOUND: "person-sound"}

PREFIX_FROM = 3  # letters a searched word needs to find longer words

# Words that join a name rather than tell it apart; left out of the sound keys (not of the
# exact words), unless the name has nothing else.
PARTICLES = frozenset(
    [
        "al",
        "el",
        "ul",
        "ad",
        "ed",
        "ar",
        "as",
        "ash",
        "at",
        "az",
        "bin",
        "ibn",
        "bint",
        "ould",
        "wad",
        "da",
        "de",
        "di",
        "du",
        "des",
        "del",
        "della",
        "la",
        "le",
        "van",
        "von",
        "der",
        "den",
        "ter",
        "ten",
        "het",
        "op",
    ]
)

# Spellings of one sound, written one way before Metaphone (first match wins, left to right).
_SPELLINGS = [
    (re.compile(r"^abd[aeiou]?l"), "abd"),  # Abdel-, Abdul-, Abdil- + Kader, Lahi, Rahman
    (re.compile(r"^abd[aeiou]r"), "abdr"),  # Abder-, Abdur- + Rahman
    (re.compile(r"tch"), "ch"),
    (re.compile(r"^di(?=a)"), "j"),  # Diallo and Jallo
    (re.compile(r"dzh|dj|xh|zh|gj"), "j"),
    (re.compile(r"kh"), "k"),
    (re.compile(r"gh"), "g"),
    (re.compile(r"q"), "k"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"bv"), "v"),  # Lefebvre
    (re.compile(r"ou|oo"), "u"),
    (re.compile(r"^ch(?=[^aeiouy])"), "k"),  # Christina, Chloe
    (re.compile(r"^y(?=[aeiou])"), "j"),  # Yohannes and Johannes, Yusuf and Jusuf
    (re.compile(r"(?<=[aeiou])h(?=[aeiou])"), ""),  # Mohamoud and Mahmud
    (re.compile(r"(?<=[aeiou])h$"), ""),  # Veronicah, Abdallah
    (re.compile(r"aj$"), ""),  # Albanian Berishaj, Gashaj
    (re.compile(r"(?<=..)[aeiouy]+$"), ""),  # Tesfaye, Tesfai; Natalia, Natalya; Abdullahi
    (re.compile(r"^[aeiou]+"), "a"),  # Omar and Umar, Ibrahim and Ebrahim
]
_DOUBLED = re.compile(r"(.)\1+")
_LETTERS = re.compile(r"[^a-z]")


def words(text: str) -> list[str]:
    """The folded words of a name part ("Van den Berg" → 3, "Jean-Pierre" → 2)."""
    return [w for w in normalise(text or "").replace("-", " ").split() if w]


def sound(word: str) -> str:
    """One word's sound code ("" when it has no letters)."""
    word = _DOUBLED.sub(r"\1", _LETTERS.sub("", word))
    for pattern, replacement in _SPELLINGS:
        word = pattern.sub(replacement, word)
    return jellyfish.metaphone(word) if word else ""


def _sounds(part: list[str]) -> set[str]:
    """A part's sounds: each word but the particles, and all its words written together
    ("Van den Berg" as "Vandenberg", "Abdul Rahman" as "Abdulrahman")."""
    kept = [w for w in part if w not in PARTICLES] or part
    codes = {sound(w) for w in kept}
    if len(part) > 1:
        codes.add(sound("".join(part)))
    return codes - {""}


@dataclass(frozen=True)
class NameSounds:
    """The sounds of a member's given name and family name, apart: two people are taken for
    one when a sound of each of the one's parts is among the other's (given and family names
    swapped still match; one shared first name does not)."""

    given: frozenset[str]
    family: frozenset[str]

    @classmethod
    def of(cls, given_name: str, family_name: str) -> "NameSounds":
        return cls(frozenset(_sounds(words(given_name))), frozenset(_sounds(words(family_name))))

    @property
    def all(self) -> frozenset[str]:
        return self.given | self.family

    def matches(self, other: "NameSounds") -> bool:
        shared = self.all & other.all
        return bool(shared & self.given) and bool(shared & self.family)


def seal(kind: str, text: str) -> str:
    return blind_index(text, PURPOSE[kind])


class Seals(dict):
    """Digests sealed once per (kind, text) for one batch of members: a batch of 1 000
    families repeats its common words, prefixes and sounds (a third of an import's time went
    to sealing them again). Kept no longer than the batch: names are not held in a cache
    that outlives the work."""

    def __missing__(self, key: tuple[str, str]) -> str:
        self[key] = digest = seal(*key)
        return digest


def name_keys(
    given_name: str, family_name: str, seals: Seals | None = None
) -> set[tuple[str, str]]:
    """Every (kind, digest) a member's name is indexed by."""
    seals = Seals() if seals is None else seals
    keys: set[tuple[str, str]] = set()
    for word in words(given_name) + words(family_name):
        keys.add((Key.WORD, seals[Key.WORD, word]))
        keys.update(
            (Key.PREFIX, seals[Key.PREFIX, word[:n]]) for n in range(PREFIX_FROM, len(word))
        )
    sounds = NameSounds.of(given_name, family_name)
    keys.update((Key.SOUND, seals[Key.SOUND, code]) for code in sounds.all)
    return keys


def sound_digests(sounds: NameSounds) -> tuple[set[str], set[str]]:
    """The sealed sounds of the given name and of the family name."""
    return {seal(Key.SOUND, c) for c in sounds.given}, {seal(Key.SOUND, c) for c in sounds.family}


def query_keys(word: str) -> dict[str, str]:
    """What one searched word is looked up by: {digest: kind}. The word itself, the longer
    words it begins (three letters or more), and words that sound like it."""
    keys = {seal(Key.WORD, word): Key.WORD}
    if len(word) >= PREFIX_FROM:
        keys[seal(Key.PREFIX, word)] = Key.PREFIX
    code = sound(word) if word not in PARTICLES else ""
    if code:
        keys[seal(Key.SOUND, code)] = Key.SOUND
    return keys
