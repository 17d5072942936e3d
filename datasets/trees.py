"""Street trees (street_trees.csv), like Camden's trees open data."""

from __future__ import annotations

import numpy as np
import pandas as pd
from camden import STREETS, random_dates, scatter

SPECIES: list[tuple[str, str, float, float]] = [  # common, scientific, typical height, weight
    ("London Plane", "Platanus x hispanica", 18, 18),
    ("Common Lime", "Tilia x europaea", 15, 10),
    ("Silver Birch", "Betula pendula", 11, 8),
    ("Wild Cherry", "Prunus avium", 8, 9),
    ("Rowan", "Sorbus aucuparia", 7, 6),
    ("Norway Maple", "Acer platanoides", 12, 7),
    ("Field Maple", "Acer campestre", 9, 7),
    ("Hornbeam", "Carpinus betulus", 10, 8),
    ("Common Ash", "Fraxinus excelsior", 14, 5),
    ("Callery Pear", "Pyrus calleryana", 8, 6),
    ("Sweetgum", "Liquidambar styraciflua", 9, 4),
    ("Maidenhair Tree", "Ginkgo biloba", 8, 3),
    ("Horse Chestnut", "Aesculus hippocastanum", 14, 4),
    ("English Oak", "Quercus robur", 13, 3),
    ("Whitebeam", "Sorbus aria", 8, 4),
]


NEWER_FROM = "2024-01-01"
"""Inspections from this date on are the newer ones (the modelling exercise's test set)."""
RECENT_IF_YOUNG = 0.55
RECENT_OTHERWISE = 0.2


def street_trees(rng: np.random.Generator) -> pd.DataFrame:
    n = 6_000
    pick = rng.choice(len(SPECIES), n, p=(w := np.array([s[3] for s in SPECIES])) / w.sum())
    maturity_i = rng.choice(4, n, p=[0.2, 0.3, 0.42, 0.08])
    # Young trees were mostly planted recently, so they are more often among the newer
    # inspections; many are narrow, upright varieties chosen for narrow streets. So the
    # newer inspections (the test set of the modelling exercise) differ from the older ones
    # (its training set): smaller trees, with less spread for their height.
    recent = rng.random(n) < np.where(maturity_i == 0, RECENT_IF_YOUNG, RECENT_OTHERWISE)
    size = np.array([0.35, 0.65, 1.0, 1.15])[maturity_i] * rng.lognormal(0, 0.2, n)
    height = np.round(np.array([SPECIES[i][2] for i in pick]) * size, 1)
    narrow = recent & (maturity_i == 0)
    spread = np.round(height * np.where(narrow, rng.uniform(0.25, 0.5, n),
                                        rng.uniform(0.4, 0.8, n)), 1)
    dbh = np.round(height * rng.uniform(2.0, 3.5, n)).astype(int)
    common = np.array([SPECIES[i][0] for i in pick], dtype=object)
    scientific = np.array([SPECIES[i][1] for i in pick], dtype=object)
    # Quirk: inconsistent case in Common Name.
    case = rng.random(n)
    common = np.where(case < 0.08, np.char.lower(common.astype(str)),
                      np.where(case < 0.12, np.char.upper(common.astype(str)), common))
    # Quirk: species missing for some trees (newly planted or not yet identified).
    missing = rng.random(n) < 0.03
    common = np.where(missing, np.where(rng.random(n) < 0.5, "", "Unknown"), common)
    scientific = np.where(missing, "", scientific)
    # Quirk: outlier heights (0 for a stump or a missing value, 99 for a typing slip).
    odd = rng.random(n)
    height = np.where(odd < 0.006, 0.0, np.where(odd < 0.009, 99.0, height))
    street_idx = rng.integers(len(STREETS), size=n)
    wards = np.array([STREETS[i][2] for i in street_idx])
    lat, lon = scatter(rng, wards, spread=0.003)
    no_loc = rng.random(n) < 0.01
    older = rng.permutation(random_dates(rng, n, "2019-04-01", NEWER_FROM).strftime("%Y-%m-%d"))
    newer = rng.permutation(random_dates(rng, n, NEWER_FROM, "2025-10-01").strftime("%Y-%m-%d"))
    inspected = np.where(recent, newer, older)
    df = pd.DataFrame({
        "Identifier": np.arange(100_001, 100_001 + n),
        "Site Name": [STREETS[i][0].title().replace("'S", "'s") for i in street_idx],
        "Common Name": common,
        "Scientific Name": scientific,
        "Height In Metres": height,
        "Spread In Metres": spread,
        "Diameter In Centimetres At Breast Height": dbh,
        "Maturity": np.array(["Young", "Semi-mature", "Mature", "Over-mature"])[maturity_i],
        "Physiological Condition": rng.choice(["Good", "Fair", "Poor", "Dead"], n,
                                              p=[0.62, 0.28, 0.08, 0.02]),
        "Inspection Date": inspected,
        "Latitude": np.where(no_loc, np.nan, lat),
        "Longitude": np.where(no_loc, np.nan, lon),
    })
    return df
