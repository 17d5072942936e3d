"""Small areas and deprivation: the LSOA list, imd2025_lsoa.csv and lsoa_ward_lookup.csv."""

from __future__ import annotations

import numpy as np
import pandas as pd
from camden import LAD_CODE, WARD_CODES, WARD_DEPRIVATION, WARD_NAMES

ENGLAND_LSOAS_2021 = 33_755  # number of 2021 LSOAs in England, used to make national ranks
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
CAMDEN_OFFSET = 0.2
"""Camden is a little more deprived than England's average small area."""
WITHIN_WARD_SD = 0.6
"""How much small areas in one ward differ, on the latent scale."""
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
    # Camden mixes very deprived and very affluent areas: each small area is its ward's
    # level plus its own variation, so wards differ and areas within a ward differ too.
    ward_level = lsoas["ward"].map(WARD_DEPRIVATION).to_numpy()
    latent_camden = CAMDEN_OFFSET + ward_level + rng.normal(0, WITHIN_WARD_SD, n)
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
