"""Road casualties (road_casualties.csv), like the national STATS19 data for Camden."""

from __future__ import annotations

import numpy as np
import pandas as pd
from camden import WARD_NAMES, random_dates, scatter

AGE_BANDS = [(0, 5, "0 - 5"), (6, 10, "6 - 10"), (11, 15, "11 - 15"), (16, 20, "16 - 20"),
             (21, 25, "21 - 25"), (26, 35, "26 - 35"), (36, 45, "36 - 45"),
             (46, 55, "46 - 55"), (56, 65, "56 - 65"), (66, 75, "66 - 75"),
             (76, 200, "Over 75")]
MISSING_LABEL = "Data missing or out of range"
FATAL_SHARE_OF_KSI = 0.035
"""Of those killed or seriously injured, the share killed (about 1 in 30 in London)."""


def age_band(age: int) -> str:
    if age < 0:
        return MISSING_LABEL
    return next(label for lo, hi, label in AGE_BANDS if lo <= age <= hi)


def road_casualties(rng: np.random.Generator) -> pd.DataFrame:
    n_collisions = 2_400
    when = random_dates(rng, n_collisions, "2020-01-01", "2025-01-01")
    n_cas = rng.choice([1, 1, 1, 1, 1, 1, 2, 2, 3, 4], n_collisions)
    n_veh = np.maximum(1, rng.choice([1, 2, 2, 2, 3], n_collisions))
    wards = rng.choice(WARD_NAMES, n_collisions)
    lat, lon = scatter(rng, wards, spread=0.004)
    no_loc = rng.random(n_collisions) < 0.02
    speed = rng.choice([20, 30], n_collisions, p=[0.8, 0.2])
    collision = pd.DataFrame({
        "date": when.strftime("%d/%m/%Y"),  # STATS19 style day/month/year
        "day": when.day_name(),
        "number_of_casualties": n_cas,
        "number_of_vehicles": n_veh,
        "road_type": rng.choice(["Single carriageway", "One way street", "Dual carriageway",
                                 "Roundabout", "Slip road"], n_collisions,
                                p=[0.72, 0.18, 0.06, 0.03, 0.01]),
        "speed_limit": speed,
        "junction_detail": rng.choice(["Not at junction or within 20 metres",
                                       "T or staggered junction", "Crossroads", "Roundabout",
                                       "Private drive or entrance", "Other junction"],
                                      n_collisions, p=[0.35, 0.33, 0.17, 0.04, 0.04, 0.07]),
        "weather": rng.choice(["Fine no high winds", "Raining no high winds",
                               "Fine + high winds", "Snowing no high winds", "Unknown"],
                              n_collisions, p=[0.80, 0.12, 0.02, 0.01, 0.05]),
        "road_surface": rng.choice(["Dry", "Wet or damp", "Frost or ice", MISSING_LABEL],
                                   n_collisions, p=[0.78, 0.19, 0.01, 0.02]),
        "latitude": np.where(no_loc, np.nan, lat),
        "longitude": np.where(no_loc, np.nan, lon),
    })
    rows = collision.loc[collision.index.repeat(n_cas)].reset_index(drop=True)
    n = len(rows)
    cls = rng.choice(["Driver or rider", "Passenger", "Pedestrian"], n, p=[0.55, 0.15, 0.30])
    age = np.maximum(np.round(rng.gamma(4.5, 8.5, n)), 1).astype(int)
    age = np.where(age > 95, rng.integers(60, 90, n), age)
    age = np.where(cls == "Driver or rider", np.maximum(age, 16), age)
    age = np.where(rng.random(n) < 0.04, -1, age)  # STATS19 codes missing as -1
    sex = rng.choice(["Male", "Female", MISSING_LABEL], n, p=[0.64, 0.34, 0.02])
    # Pedestrians are the most vulnerable road users: a larger share of those hurt are
    # killed or seriously injured (KSI) than of drivers and riders, and passengers least.
    ksi_p = np.select([cls == "Pedestrian", cls == "Passenger"], [0.245, 0.15], default=0.20)
    ksi = rng.random(n) < ksi_p
    fatal = ksi & (rng.random(n) < FATAL_SHARE_OF_KSI)
    severity = np.where(fatal, "Fatal", np.where(ksi, "Serious", "Slight"))
    cas = pd.DataFrame({
        "casualty_age": age,
        "casualty_age_band": [age_band(int(a)) for a in age],
        "casualty_sex": sex,
        "casualty_class": cls,
        "casualty_severity": severity,
    })
    cols = ["date", "day", "number_of_casualties", "number_of_vehicles"]
    out = pd.concat([rows[cols], cas, rows.drop(columns=cols)], axis=1)
    return out
