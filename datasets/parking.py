"""Parking penalty charge notices (parking_pcns.csv), like Camden's open data."""

from __future__ import annotations

import numpy as np
import pandas as pd
from camden import STREETS, WARD_CODES, scatter, to_grid, trending_dates, yes_no

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
NOTICE_GROWTH = 0.2
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
    # More notices as enforcement grows (new cameras for moving traffic): about 20% more a
    # month at the end of 2025 than at the start of 2024, so the trend has a clear direction.
    when = trending_dates(rng, n, "2024-01-01", "2026-01-01", growth=NOTICE_GROWTH)
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
    # Quirk: about 39% of rows have no location, more often for camera tickets (moving
    # traffic and camera parking notices) than for officers' on-street notices.
    no_location = rng.random(n) < np.select(
        [moving, ticket_type == "CCTV TMA"], [0.50, 0.45], default=0.295)
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
