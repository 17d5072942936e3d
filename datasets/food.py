"""Food hygiene ratings (food_hygiene.csv), like the FSA's open data for Camden."""

from __future__ import annotations

import numpy as np
import pandas as pd
from camden import STREETS, random_dates, scatter

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
        # The rating date is the date the label was last updated (old "Takeaway" labels are
        # on records not updated since 2018).
        "RatingDate": np.where(awaiting, "", dates.strftime("%Y-%m-%d")),
        "LocalAuthorityName": "Camden",
        "Hygiene": points(hyg),
        "Structural": points(struct),
        "ConfidenceInManagement": points(conf),
        "Longitude": np.where(no_geo, np.nan, lon),
        "Latitude": np.where(no_geo, np.nan, lat),
    })
    return df.sort_values("FHRSID", kind="stable")
