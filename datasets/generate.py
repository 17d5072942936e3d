"""Make the academy's synthetic datasets: `python datasets/generate.py [OUT_DIR]`.

Every file imitates the schema and the known quirks of a real public dataset
(see docs/datasets/ for one data card per file) but describes no real person,
business or tenancy. Each dataset has its own fixed seed, so a run writes the
same bytes every time; tests/content/test_datasets.py checks that.

The default output folder is datasets/data/ beside this file.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
LAD_CODE = "E09000007"  # Camden's local authority district code
ENGLAND_LSOAS_2021 = 33_755  # number of 2021 LSOAs in England, used to make national ranks

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


def yes_no(flags: np.ndarray) -> np.ndarray:
    return np.where(flags, "Y", "N")


# --------------------------------------------------------------------------- parking
# (code, wording until 31 March 2025, wording from 1 April 2025, ticket type, band, weight)
# The change of wording for code 12 is invented for teaching: real code lists do change.
CONTRAVENTIONS: list[tuple[str, str, str, str, str, float]] = [
    ("01", "Parked in a restricted street during prescribed hours", "", "O/S TMA", "Lower", 9),
    ("02", "Parked or loading in a street where loading restrictions apply", "", "O/S TMA",
     "Higher", 3),
    ("05", "Parked after the expiry of paid for time", "", "O/S TMA", "Lower", 6),
    ("12", "Parked in a residents' or shared use place without a permit or ticket",
     "Parked in a residents' or shared use place without a valid virtual permit or "
     "paid session", "O/S TMA", "Higher", 18),
    ("16", "Parked in a permit space without displaying a valid permit", "", "O/S TMA",
     "Higher", 6),
    ("19", "Parked in a residents' or shared use place with an invalid permit", "",
     "O/S TMA", "Lower", 3),
    ("25", "Parked in a loading place during restricted hours without loading", "",
     "CCTV TMA", "Higher", 4),
    ("30", "Parked for longer than permitted", "", "O/S TMA", "Lower", 4),
    ("40", "Parked in a disabled person's parking place without a valid badge", "",
     "O/S TMA", "Higher", 2),
    ("62", "Parked with one or more wheels on a footway", "", "O/S TMA", "Higher", 2),
    ("31J", "Entering and stopping in a box junction when prohibited", "", "MTC",
     "Higher", 6),
    ("33H", "Using a route restricted to certain vehicles", "", "MTC", "Higher", 5),
    ("34J", "Being in a bus lane", "", "BUS", "Higher", 8),
    ("50", "Performing a prohibited turn", "", "MTC", "Higher", 5),
    ("52M", "Failing to comply with a prohibition on certain types of vehicle", "", "MTC",
     "Higher", 7),
]
MOVING_TRAFFIC_TYPES = {"MTC", "BUS"}
# Streets a street may be recorded "BY JUNCTION WITH": others in the same ward.
JUNCTIONS = {s: [o for o, _, w in STREETS if w == ward and o != s] for s, _, ward in STREETS}
CANCEL_REASONS = ["Valid permit held", "Loading seen", "Blue badge shown", "Officer error",
                  "Signs unclear", "Vehicle stolen", "Compassionate grounds"]


def messy_street(rng: np.random.Generator, street: str, district: str) -> str:
    """A street string as officers and cameras record it: upper case and inconsistent."""
    roll = rng.random()
    if roll < 0.30:
        partners = JUNCTIONS[street]
        if partners:
            other = partners[int(rng.integers(len(partners)))]
            return f"{street} {district} BY JUNCTION WITH {other}"
    if roll < 0.40:
        return f"{street.replace(' STREET', ' ST').replace(' ROAD', ' RD')} {district}"
    if roll < 0.47:
        return f"{street}, {district}"
    if roll < 0.52:
        return f"O/S {int(rng.integers(1, 240))} {street}  {district}"
    if roll < 0.55:
        return street
    return f"{street} {district}"


def parking_pcns(rng: np.random.Generator) -> pd.DataFrame:
    n = 11_000
    when = random_dates(rng, n, "2024-01-01", "2026-01-01")
    weights = np.array([c[5] for c in CONTRAVENTIONS])
    pick = rng.choice(len(CONTRAVENTIONS), n, p=weights / weights.sum())
    codes = np.array([CONTRAVENTIONS[i][0] for i in pick], dtype=object)
    new_wording = when >= pd.Timestamp("2025-04-01")
    descriptions = np.array([
        (c[2] if (new and c[2]) else c[1]) for c, new in
        zip((CONTRAVENTIONS[i] for i in pick), new_wording, strict=True)
    ], dtype=object)
    ticket_type = np.array([CONTRAVENTIONS[i][3] for i in pick], dtype=object)
    moving = np.isin(ticket_type, list(MOVING_TRAFFIC_TYPES))
    # Some on-street parking codes are also enforced by camera.
    ticket_type[(ticket_type == "O/S TMA") & (rng.random(n) < 0.12)] = "CCTV TMA"
    # Quirk: a few records lost the leading zero of the code.
    lost_zero = (np.char.str_len(codes.astype(str)) == 2) & np.char.startswith(
        codes.astype(str), "0") & (rng.random(n) < 0.06)
    codes[lost_zero] = np.char.lstrip(codes[lost_zero].astype(str), "0")
    band = np.array([f"Band A {CONTRAVENTIONS[i][4]}" for i in pick], dtype=object)
    street_idx = rng.integers(len(STREETS), size=n)
    streets = [messy_street(rng, STREETS[i][0], STREETS[i][1]) for i in street_idx]
    wards = np.array([STREETS[i][2] for i in street_idx])
    lat, lon = scatter(rng, wards, spread=0.003)
    easting, northing = to_grid(lat, lon)
    # Quirk: about 39% of rows have no location (more often for camera tickets).
    no_location = rng.random(n) < np.where(moving, 0.50, 0.325)
    status = rng.choice(["Paid/Closed", "Outstanding", "Cancelled", "WrittenOff"], n,
                        p=[0.70, 0.14, 0.12, 0.04])
    cancelled = status == "Cancelled"
    vehicle = rng.choice(["Car", "Van", "Motorcycle", "Lorry", "Taxi", "Bus/Coach"], n,
                         p=[0.70, 0.18, 0.04, 0.03, 0.04, 0.01])
    appeal = rng.random(n) < np.where(cancelled, 0.6, 0.08)
    df = pd.DataFrame({
        "Contravention Date": when.strftime("%Y-%m-%dT%H:%M:00"),
        "Ticket Type": ticket_type,
        "Ticket Description": descriptions,
        "Contravention Code": codes,
        "Street": streets,
        "Vehicle Category": vehicle,
        "Vehicle Removed": yes_no((~moving) & (rng.random(n) < 0.01)),
        "Status Of Case": status,
        "Charging Band Description": band,
        "Cancelled": yes_no(cancelled),
        "Written Off": yes_no(status == "WrittenOff"),
        "Cancellation Reason": np.where(cancelled, rng.choice(CANCEL_REASONS, n), ""),
        "Foreign Vehicle": yes_no(rng.random(n) < 0.03),
        "Has Appeal": yes_no(appeal & (rng.random(n) < 0.4)),
        "Formal Representation": yes_no(appeal),
        "Ward Code": [WARD_CODES[w] for w in wards],
        "Ward Name": wards,
        "Easting": easting.astype(object),
        "Northing": northing.astype(object),
        "Longitude": lon.astype(object),
        "Latitude": lat.astype(object),
        "Spatial Accuracy": np.where(moving, "Camera site", "Street centre"),
    })
    blank = ["Ward Code", "Ward Name", "Easting", "Northing", "Longitude", "Latitude",
             "Spatial Accuracy"]
    df.loc[no_location, blank] = ""
    # Quirk: about 0.5% of notices appear twice (exact duplicate rows).
    dupes = df.sample(frac=0.005, random_state=int(rng.integers(1_000_000)))
    return pd.concat([df, dupes]).sort_values("Contravention Date", kind="stable")


# --------------------------------------------------------------------------- trees
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


def street_trees(rng: np.random.Generator) -> pd.DataFrame:
    n = 6_000
    pick = rng.choice(len(SPECIES), n, p=(w := np.array([s[3] for s in SPECIES])) / w.sum())
    maturity_i = rng.choice(4, n, p=[0.2, 0.3, 0.42, 0.08])
    size = np.array([0.35, 0.65, 1.0, 1.15])[maturity_i] * rng.lognormal(0, 0.2, n)
    height = np.round(np.array([SPECIES[i][2] for i in pick]) * size, 1)
    spread = np.round(height * rng.uniform(0.4, 0.8, n), 1)
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
    inspected = random_dates(rng, n, "2019-04-01", "2025-10-01")
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
        "Inspection Date": rng.permutation(inspected.strftime("%Y-%m-%d")),
        "Latitude": np.where(no_loc, np.nan, lat),
        "Longitude": np.where(no_loc, np.nan, lon),
    })
    return df


# --------------------------------------------------------------------------- casualties
AGE_BANDS = [(0, 5, "0 - 5"), (6, 10, "6 - 10"), (11, 15, "11 - 15"), (16, 20, "16 - 20"),
             (21, 25, "21 - 25"), (26, 35, "26 - 35"), (36, 45, "36 - 45"),
             (46, 55, "46 - 55"), (56, 65, "56 - 65"), (66, 75, "66 - 75"),
             (76, 200, "Over 75")]
MISSING_LABEL = "Data missing or out of range"


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
    severity = rng.choice(["Slight", "Serious", "Fatal"], n, p=[0.80, 0.193, 0.007])
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


# --------------------------------------------------------------------------- deprivation
DOMAINS: list[tuple[str, str, float, float, float]] = [
    # name, score label, weight, national mean, national spread (on the latent scale)
    ("Income", "Income Score (rate)", 0.225, 0.12, 0.08),
    ("Employment", "Employment Score (rate)", 0.225, 0.09, 0.05),
    ("Education, Skills and Training", "Education, Skills and Training Score", 0.135, 20, 17),
    ("Health Deprivation and Disability", "Health Deprivation and Disability Score", 0.135,
     0.0, 0.9),
    ("Crime", "Crime Score", 0.093, 0.0, 0.8),
    ("Barriers to Housing and Services", "Barriers to Housing and Services Score", 0.093,
     21, 10),
    ("Living Environment", "Living Environment Score", 0.093, 20, 14),
]
RANK_NOTE = "(where 1 is most deprived)"
DECILE_NOTE = "(where 1 is most deprived 10% of LSOAs)"


def lsoa_list(rng: np.random.Generator) -> pd.DataFrame:
    """Synthetic LSOA codes and names, each in one ward (shared by two datasets)."""
    names = []
    for msoa in range(1, 29):
        for letter in "ABCDEF"[: int(rng.integers(3, 7))]:
            names.append(f"Camden {msoa:03d}{letter}")
    codes = [f"SYN-L{i:04d}" for i in range(1, len(names) + 1)]
    ward_of_msoa = {m: WARD_NAMES[(m - 1) % 20] for m in range(1, 29)}
    wards = [ward_of_msoa[int(name[7:10])] for name in names]
    return pd.DataFrame({"code": codes, "name": names, "ward": wards})


def domain_scores(rng: np.random.Generator, latent: np.ndarray, mean: float, sd: float
                  ) -> np.ndarray:
    noise = rng.normal(0, 0.6, len(latent))
    raw = mean + sd * (0.8 * latent + noise)
    return np.maximum(raw, 0.0) if mean > 0 else raw


def imd2025_lsoa(rng: np.random.Generator, lsoas: pd.DataFrame) -> pd.DataFrame:
    n = len(lsoas)
    # Camden mixes very deprived and very affluent areas: a wide latent spread.
    latent_camden = rng.normal(0.2, 1.1, n)
    latent_england = rng.normal(0, 1, ENGLAND_LSOAS_2021 - n)
    out = pd.DataFrame({
        "LSOA code (2021)": lsoas["code"],
        "LSOA name (2021)": lsoas["name"],
        "Local Authority District code (2024)": LAD_CODE,
        "Local Authority District name (2024)": "Camden",
    })
    domain_cols = {}
    imd_camden = np.zeros(n)
    imd_england = np.zeros(len(latent_england))
    for name, label, weight, mean, sd in DOMAINS:
        cam = domain_scores(rng, latent_camden, mean, sd)
        eng = domain_scores(rng, latent_england, mean, sd)
        rank = rank_within(cam, eng)
        domain_cols[name] = (label, np.round(cam, 3), rank)
        z_cam, z_eng = (cam - mean) / sd, (eng - mean) / sd
        imd_camden += weight * z_cam
        imd_england += weight * z_eng
    imd_cam_score = np.round(np.maximum(22 + 14 * imd_camden, 0.5), 3)
    imd_eng_score = np.maximum(22 + 14 * imd_england, 0.5)
    imd_rank = rank_within(imd_cam_score, imd_eng_score)
    out["Index of Multiple Deprivation (IMD) Score"] = imd_cam_score
    out[f"Index of Multiple Deprivation (IMD) Rank {RANK_NOTE}"] = imd_rank
    out[f"Index of Multiple Deprivation (IMD) Decile {DECILE_NOTE}"] = decile(imd_rank)
    for name, (label, score, rank) in domain_cols.items():
        out[label] = score
        out[f"{name} Rank {RANK_NOTE}"] = rank
        out[f"{name} Decile {DECILE_NOTE}"] = decile(rank)
    return out


def rank_within(camden: np.ndarray, england: np.ndarray) -> np.ndarray:
    """National rank of each Camden score, 1 = highest score = most deprived."""
    allscores = np.concatenate([camden, england])
    order = np.argsort(-allscores, kind="stable")
    ranks = np.empty(len(allscores), dtype=int)
    ranks[order] = np.arange(1, len(allscores) + 1)
    return ranks[: len(camden)]


def decile(rank: np.ndarray) -> np.ndarray:
    return np.ceil(rank / (ENGLAND_LSOAS_2021 / 10)).astype(int).clip(1, 10)


def lsoa_ward_lookup(lsoas: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "LSOA21CD": lsoas["code"],
        "LSOA21NM": lsoas["name"],
        "WD22CD": [WARD_CODES[w] for w in lsoas["ward"]],
        "WD22NM": lsoas["ward"],
        "LAD22CD": LAD_CODE,
        "LAD22NM": "Camden",
    })


# --------------------------------------------------------------------------- food hygiene
BUSINESS_TYPES = [  # label, weight
    ("Restaurant/Cafe/Canteen", 34), ("Takeaway/sandwich shop", 16),
    ("Retailers - other", 14), ("Retailers - supermarkets/hypermarkets", 4),
    ("Pub/bar/nightclub", 9), ("Hotel/bed & breakfast/guest house", 3),
    ("School/college/university", 5), ("Hospitals/Childcare/Caring Premises", 5),
    ("Mobile caterer", 4), ("Other catering premises", 4), ("Manufacturers/packers", 1),
    ("Distributors/Transporters", 1),
]
NAME_FIRST = ["Green", "Blue Door", "Corner", "Little", "Golden", "Sunny", "Kettle", "Maple",
              "Canal", "Heath", "Lantern", "Orchard", "Copper", "Olive", "Saffron", "Pepper",
              "Willow", "Market", "Bramble", "Harbour"]
NAME_SECOND = {"Restaurant/Cafe/Canteen": ["Kitchen", "Cafe", "Bistro", "Table", "Canteen"],
               "Takeaway/sandwich shop": ["Bites", "Wraps", "Sandwich Bar", "Noodles", "Grill"],
               "Retailers - other": ["Deli", "Food Store", "Bakery", "Grocer"],
               "Retailers - supermarkets/hypermarkets": ["Supermarket", "Foods"],
               "Pub/bar/nightclub": ["Arms", "Tavern", "Bar", "Inn"],
               "Hotel/bed & breakfast/guest house": ["Hotel", "Guest House", "Rooms"],
               "School/college/university": ["Academy Kitchen", "School Kitchen"],
               "Hospitals/Childcare/Caring Premises": ["Nursery", "Care Home", "Day Centre"],
               "Mobile caterer": ["Street Food", "Food Van", "Coffee Cart"],
               "Other catering premises": ["Catering", "Events Kitchen"],
               "Manufacturers/packers": ["Foods Ltd", "Kitchens Ltd"],
               "Distributors/Transporters": ["Wholesale", "Deliveries"]}


def fhrs_rating(h: int, s: int, c: int) -> str:
    """A rating from penalty points, broadly like the FSA scheme (a simplification)."""
    total, worst = h + s + c, max(h, s, c)
    for limit, cap, rating in [(15, 5, "5"), (20, 10, "4"), (30, 10, "3"), (40, 15, "2"),
                               (50, 20, "1")]:
        if total <= limit and worst <= cap:
            return rating
    return "0"


def food_hygiene(rng: np.random.Generator) -> pd.DataFrame:
    n = 2_600
    types = rng.choice(len(BUSINESS_TYPES), n,
                       p=(w := np.array([b[1] for b in BUSINESS_TYPES])) / w.sum())
    btype = [BUSINESS_TYPES[i][0] for i in types]
    names = [f"{NAME_FIRST[int(rng.integers(len(NAME_FIRST)))]} "
             f"{rng.choice(NAME_SECOND[t])}" for t in btype]
    # penalty points: most premises are good, a few are poor
    quality = rng.beta(1.0, 7, n)
    hyg = (np.round(quality * 25 / 5 + rng.normal(0, 0.6, n)).clip(0, 5) * 5).astype(int)
    struct = (np.round(quality * 25 / 5 + rng.normal(0, 0.6, n)).clip(0, 5) * 5).astype(int)
    conf_steps = np.array([0, 5, 10, 20, 30])
    conf = conf_steps[np.round(quality * 5 + rng.normal(0, 0.5, n)).clip(0, 4).astype(int)]
    rating = np.array([fhrs_rating(*v) for v in zip(hyg, struct, conf, strict=True)],
                      dtype=object)
    special = rng.random(n)
    exempt, awaiting = special < 0.03, (special >= 0.03) & (special < 0.065)
    rating[exempt], rating[awaiting] = "Exempt", "AwaitingInspection"
    unscored = exempt | awaiting
    dates = random_dates(rng, n, "2015-06-01", "2025-10-15")
    street_idx = rng.integers(len(STREETS), size=n)
    wards = np.array([STREETS[i][2] for i in street_idx])
    lat, lon = scatter(rng, wards, spread=0.003)
    no_geo = rng.random(n) < 0.07
    # Quirk: "London" is sometimes in line 2, sometimes line 3; postcodes vary in format.
    london_in_2 = rng.random(n) < 0.5
    sector = rng.integers(0, 10, n)
    unit = [f"{chr(65 + int(a))}{chr(65 + int(b))}" for a, b in rng.integers(0, 26, (n, 2))]
    postcode = [f"{STREETS[i][1]} {s}{u}" for i, s, u in zip(street_idx, sector, unit,
                                                             strict=True)]
    fmt = rng.random(n)
    postcode = [p.lower() if f < 0.03 else p.replace(" ", "") if f < 0.06 else
                ("" if f < 0.08 else p) for p, f in zip(postcode, fmt, strict=True)]
    # Quirk: an older label for takeaways survives on records not updated since 2018.
    btype = ["Takeaway" if t == "Takeaway/sandwich shop" and d.year < 2018 else t
             for t, d in zip(btype, dates, strict=True)]

    def points(values: np.ndarray) -> list[object]:
        return ["" if u else int(v) for v, u in zip(values, unscored, strict=True)]

    df = pd.DataFrame({
        "FHRSID": rng.permutation(np.arange(400_001, 400_001 + n * 3))[:n],
        "BusinessName": names,
        "BusinessType": btype,
        "AddressLine1": [STREETS[i][0].title().replace("'S", "'s") for i in street_idx],
        "AddressLine2": np.where(london_in_2, "London", ""),
        "AddressLine3": np.where(london_in_2, "", "London"),
        "AddressLine4": "",
        "PostCode": postcode,
        "RatingValue": rating,
        "RatingDate": np.where(awaiting, "", rng.permutation(dates.strftime("%Y-%m-%d"))),
        "LocalAuthorityName": "Camden",
        "Hygiene": points(hyg),
        "Structural": points(struct),
        "ConfidenceInManagement": points(conf),
        "Longitude": np.where(no_geo, np.nan, lon),
        "Latitude": np.where(no_geo, np.nan, lat),
    })
    return df.sort_values("FHRSID", kind="stable")


# --------------------------------------------------------------------------- schools
FSM_COLS = ("number of pupils known to be eligible for free school meals",
            "% of pupils known to be eligible for free school meals")
# Quirk: this file writes "and" where other files write "&" in ward names.
SCHOOL_WARD_SPELLING = {"Holborn & Covent Garden": "Holborn and Covent Garden",
                        "St Pancras & Somers Town": "St Pancras and Somers Town"}


def school_fsm(rng: np.random.Generator) -> pd.DataFrame:
    years = [202021, 202122, 202223, 202324, 202425]
    rows = []
    phases = ["Primary"] * 30 + ["Secondary"] * 7 + ["Special"] * 3 + ["Nursery"] * 2
    for i, phase in enumerate(phases):
        urn = 990_001 + i
        ward = WARD_NAMES[int(rng.integers(20))]
        size = {"Primary": rng.integers(150, 470), "Secondary": rng.integers(700, 1300),
                "Special": rng.integers(25, 90), "Nursery": rng.integers(40, 110)}[phase]
        rate = float(np.clip(rng.normal(0.38, 0.15), 0.05, 0.75))
        for y, year in enumerate(years):
            this_urn = urn
            if i == 11 and y >= 2:  # Quirk: academy conversion gives the school a new URN
                this_urn = 990_001 + len(phases)
            head = int(size * (1 + rng.normal(-0.015 * y, 0.03)))
            fsm = int(rng.binomial(head, min(rate + 0.01 * y, 0.95)))
            rows.append({"time_period": year, "URN": this_urn, "la_name": "Camden",
                         "ward_name": SCHOOL_WARD_SPELLING.get(ward, ward),
                         "phase_type_grouping": phase, "headcount of pupils": head,
                         FSM_COLS[0]: fsm, FSM_COLS[1]: round(100 * fsm / head, 1)})
    return pd.DataFrame(rows).sort_values(["time_period", "URN"], kind="stable")


# --------------------------------------------------------------------------- housing
def housing_arrears(rng: np.random.Generator) -> pd.DataFrame:
    """Tenancies built so that 'flag anyone 4+ weeks in arrears' wrongly flags many
    households on Universal Credit, whose arrears often come from payment timing."""
    n = 3_000
    uc = rng.random(n) < 0.38
    support = rng.random(n) < 0.18
    age_band = rng.choice(["18-24", "25-34", "35-49", "50-64", "65+"], n,
                          p=[0.08, 0.22, 0.33, 0.24, 0.13])
    household = rng.choice([1, 2, 3, 4, 5, 6], n, p=[0.38, 0.24, 0.16, 0.12, 0.06, 0.04])
    months = np.round(rng.gamma(2.0, 60, n)).astype(int) + 1
    rent = np.round(rng.normal(135, 18, n) + 12 * household, 2)
    # Underlying risk of a lasting problem, not caused by Universal Credit.
    risk = rng.beta(1.2, 9, n) + np.where(age_band == "18-24", 0.05, 0)
    lasting = rng.random(n) < risk
    timing = uc & (months < 60) & (rng.random(n) < 0.6)  # UC payment-timing arrears
    weeks = np.where(lasting, rng.integers(3, 16, n), rng.poisson(0.6, n))
    weeks = np.where(timing & ~lasting, weeks + rng.integers(4, 7, n), weeks)
    notice_p = np.where(lasting, np.where(support, 0.12, 0.45), 0.01)
    notice = rng.random(n) < notice_p
    df = pd.DataFrame({
        "tenancy_ref": [f"TEN-{i:05d}" for i in range(1, n + 1)],
        "ward_name": rng.choice(WARD_NAMES, n),
        "household_size": household,
        "lead_tenant_age_band": age_band,
        "months_at_address": months,
        "rent_weekly": rent,
        "weeks_in_arrears": weeks,
        "universal_credit": yes_no(uc),
        "has_support_plan": yes_no(support),
        "later_eviction_notice": yes_no(notice),
    })
    return df


# --------------------------------------------------------------------------- writing
def builders() -> dict[str, Callable[[], pd.DataFrame]]:
    """File name -> function making it. Each gets its own seed so that changing one
    dataset never changes another."""
    lsoas = lsoa_list(np.random.default_rng(2025_04))
    return {
        "parking_pcns.csv": lambda: parking_pcns(np.random.default_rng(2024_01)),
        "street_trees.csv": lambda: street_trees(np.random.default_rng(2024_02)),
        "road_casualties.csv": lambda: road_casualties(np.random.default_rng(2024_03)),
        "imd2025_lsoa.csv": lambda: imd2025_lsoa(np.random.default_rng(2025_05), lsoas),
        "lsoa_ward_lookup.csv": lambda: lsoa_ward_lookup(lsoas),
        "food_hygiene.csv": lambda: food_hygiene(np.random.default_rng(2024_06)),
        "school_fsm.csv": lambda: school_fsm(np.random.default_rng(2024_07)),
        "housing_arrears.csv": lambda: housing_arrears(np.random.default_rng(2024_08)),
    }


def generate(out_dir: Path = DATA_DIR) -> list[Path]:
    """Write every dataset into out_dir and return the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in builders().items():
        path = out_dir / name
        build().to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
        log.info("wrote %s (%d bytes)", path, path.stat().st_size)
        written.append(path)
    return written


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    generate(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA_DIR)
