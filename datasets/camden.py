"""Camden's geography for the synthetic datasets: wards, streets and helpers shared by
every dataset module (no randomness of its own)."""

from __future__ import annotations

import numpy as np
import pandas as pd

LAD_CODE = "E09000007"  # Camden's local authority district code

# The 20 wards in use since 2022, with a rough centre (latitude, longitude) for
# scattering synthetic points. Ward codes are synthetic: SYN-W01 ... SYN-W20.
WARDS: dict[str, tuple[float, float]] = {
    "Belsize": (51.5470, -0.1700),
    "Bloomsbury": (51.5220, -0.1280),
    "Camden Square": (51.5450, -0.1320),
    "Camden Town": (51.5390, -0.1430),
    "Fortune Green": (51.5560, -0.2000),
    "Frognal": (51.5530, -0.1850),
    "Gospel Oak": (51.5550, -0.1520),
    "Hampstead Town": (51.5580, -0.1750),
    "Haverstock": (51.5460, -0.1520),
    "Highgate": (51.5660, -0.1470),
    "Holborn & Covent Garden": (51.5160, -0.1220),
    "Kentish Town North": (51.5530, -0.1400),
    "Kentish Town South": (51.5460, -0.1410),
    "Kilburn": (51.5400, -0.1950),
    "King's Cross": (51.5310, -0.1220),
    "Primrose Hill": (51.5410, -0.1550),
    "Regent's Park": (51.5300, -0.1430),
    "South Hampstead": (51.5430, -0.1800),
    "St Pancras & Somers Town": (51.5330, -0.1320),
    "West Hampstead": (51.5490, -0.1930),
}
WARD_NAMES = list(WARDS)
# How deprived each ward is, on the latent scale of the deprivation file (0 is England's
# average, 1 is one standard deviation more deprived). Invented, but with Camden's broad
# pattern: the north-west (Hampstead, Frognal, Belsize, West Hampstead, Fortune Green) is
# less deprived than the south and east (Somers Town, King's Cross, Regent's Park,
# Haverstock, Gospel Oak), with Kilburn an exception in the west.
WARD_DEPRIVATION: dict[str, float] = {
    "Belsize": -0.7, "Bloomsbury": 0.0, "Camden Square": 0.3, "Camden Town": 0.6,
    "Fortune Green": -0.5, "Frognal": -1.0, "Gospel Oak": 0.8, "Hampstead Town": -1.0,
    "Haverstock": 1.0, "Highgate": -0.5, "Holborn & Covent Garden": 0.2,
    "Kentish Town North": 0.2, "Kentish Town South": 0.6, "Kilburn": 0.7,
    "King's Cross": 1.1, "Primrose Hill": -0.3, "Regent's Park": 0.9,
    "South Hampstead": -0.4, "St Pancras & Somers Town": 1.3, "West Hampstead": -0.5,
}
WARD_CODES = {name: f"SYN-W{i:02d}" for i, name in enumerate(WARD_NAMES, start=1)}

# Real Camden streets, their postcode district and a ward they run through.
STREETS: list[tuple[str, str, str]] = [
    ("CAMDEN HIGH STREET", "NW1", "Camden Town"),
    ("PARKWAY", "NW1", "Camden Town"),
    ("CHALK FARM ROAD", "NW1", "Camden Town"),
    ("KENTISH TOWN ROAD", "NW5", "Kentish Town South"),
    ("FORTESS ROAD", "NW5", "Kentish Town North"),
    ("HIGHGATE ROAD", "NW5", "Kentish Town North"),
    ("MALDEN ROAD", "NW5", "Haverstock"),
    ("PRINCE OF WALES ROAD", "NW5", "Haverstock"),
    ("ROYAL COLLEGE STREET", "NW1", "Camden Square"),
    ("AGAR GROVE", "NW1", "Camden Square"),
    ("EUSTON ROAD", "NW1", "St Pancras & Somers Town"),
    ("EVERSHOLT STREET", "NW1", "St Pancras & Somers Town"),
    ("HAMPSTEAD ROAD", "NW1", "Regent's Park"),
    ("ALBANY STREET", "NW1", "Regent's Park"),
    ("GRAY'S INN ROAD", "WC1X", "King's Cross"),
    ("JUDD STREET", "WC1H", "King's Cross"),
    ("SOUTHAMPTON ROW", "WC1B", "Holborn & Covent Garden"),
    ("KINGSWAY", "WC2B", "Holborn & Covent Garden"),
    ("HIGH HOLBORN", "WC1V", "Holborn & Covent Garden"),
    ("TOTTENHAM COURT ROAD", "W1T", "Bloomsbury"),
    ("GOODGE STREET", "W1T", "Bloomsbury"),
    ("THEOBALDS ROAD", "WC1X", "Bloomsbury"),
    ("FINCHLEY ROAD", "NW3", "South Hampstead"),
    ("ADELAIDE ROAD", "NW3", "Belsize"),
    ("HAVERSTOCK HILL", "NW3", "Belsize"),
    ("ENGLAND'S LANE", "NW3", "Belsize"),
    ("REGENT'S PARK ROAD", "NW1", "Primrose Hill"),
    ("GLOUCESTER AVENUE", "NW1", "Primrose Hill"),
    ("HEATH STREET", "NW3", "Hampstead Town"),
    ("FLASK WALK", "NW3", "Hampstead Town"),
    ("FITZJOHN'S AVENUE", "NW3", "Frognal"),
    ("FLEET ROAD", "NW3", "Gospel Oak"),
    ("SWAIN'S LANE", "N6", "Highgate"),
    ("KILBURN HIGH ROAD", "NW6", "Kilburn"),
    ("WEST END LANE", "NW6", "West Hampstead"),
    ("MILL LANE", "NW6", "Fortune Green"),
    ("FORTUNE GREEN ROAD", "NW6", "Fortune Green"),
]


def to_grid(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Approximate British National Grid easting and northing near Camden (within ~100 m)."""
    easting = 530_000 + (lon + 0.1281) * 69_400
    northing = 180_450 + (lat - 51.5080) * 111_250
    return np.round(easting).astype(int), np.round(northing).astype(int)


def scatter(rng: np.random.Generator, wards: np.ndarray, spread: float = 0.004
            ) -> tuple[np.ndarray, np.ndarray]:
    """Random points around each ward's centre: (latitude, longitude), 5 decimal places."""
    centres = np.array([WARDS[w] for w in wards])
    lat = centres[:, 0] + rng.normal(0, spread, len(wards))
    lon = centres[:, 1] + rng.normal(0, spread * 1.5, len(wards))
    return np.round(lat, 5), np.round(lon, 5)


def random_dates(rng: np.random.Generator, n: int, start: str, end: str) -> pd.DatetimeIndex:
    """n random timestamps (to the minute) between start and end, sorted."""
    lo, hi = pd.Timestamp(start).value // 60_000_000_000, pd.Timestamp(end).value // 60_000_000_000
    minutes = np.sort(rng.integers(lo, hi, n))
    return pd.to_datetime(minutes * 60_000_000_000)


def trending_dates(rng: np.random.Generator, n: int, start: str, end: str, growth: float
                   ) -> pd.DatetimeIndex:
    """n random timestamps (to the minute) between start and end, sorted, becoming more
    frequent over time: the rate at the end is (1 + growth) times the rate at the start."""
    lo, hi = pd.Timestamp(start).value // 60_000_000_000, pd.Timestamp(end).value // 60_000_000_000
    u = rng.random(n)  # inverse of the distribution function of a density rising in a line
    share = (np.sqrt(1 + 2 * growth * (1 + growth / 2) * u) - 1) / growth
    minutes = np.sort(lo + np.floor(share * (hi - lo)).astype(np.int64))
    return pd.to_datetime(minutes * 60_000_000_000)


def yes_no(flags: np.ndarray) -> np.ndarray:
    return np.where(flags, "Y", "N")
