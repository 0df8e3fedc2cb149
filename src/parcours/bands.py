"""Ages and years in the country in bands: what pseudonymised evaluation data carries instead
of dates (a birth date or an arrival date can identify a family; a band of years cannot).

The bands of years in the country break at 5 and 10 because the seed reports "over 5" and
"over 10" years; the age bands break at 18 because adults and children over 18 are counted.
"""

# (label, lowest value in the band); each band runs to the next one's lowest value.
AGE_BANDS = [
    ("0-5", 0),
    ("6-11", 6),
    ("12-17", 12),
    ("18-24", 18),
    ("25-39", 25),
    ("40-59", 40),
    ("60+", 60),
]
YEARS_BANDS = [("0", 0), ("1-5", 1), ("6-10", 6), ("11+", 11)]

ADULT_AGE = 18


def band(value: int | None, bands: list[tuple[str, int]]) -> str:
    """The label of the band holding ``value`` ("" when unknown)."""
    if value is None:
        return ""
    label = ""
    for name, lowest in bands:
        if value >= lowest:
            label = name
    return label


def lowest(label: str, bands: list[tuple[str, int]]) -> int | None:
    """The lowest value of a band, or None for an unknown label."""
    return dict(bands).get(label)


def age_band(age: int | None) -> str:
    return band(age, AGE_BANDS)


def band_on(birth, pooled_band: str, day) -> str:
    """A member's age band on ``day``: from the birth date (a PartialDate) when there is one,
    else the band a pooled family carries ("" when neither is known)."""
    return age_band(birth.age_on(day) if birth else lowest(pooled_band, AGE_BANDS))


def adult_by_band(band: str, is_child: bool) -> bool:
    """Adult when the band starts at 18 or later (the bands break there); with no band, a
    member not recorded as a child."""
    low = lowest(band, AGE_BANDS)
    return low >= ADULT_AGE if low is not None else not is_child


def years_band(years: int | None) -> str:
    return band(years, YEARS_BANDS)
