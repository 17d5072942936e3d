"""Free school meals by school (school_fsm.csv), like the DfE's school census release."""

from __future__ import annotations

import numpy as np
import pandas as pd
from camden import WARD_NAMES

FSM_COLS = ("number of pupils known to be eligible for free school meals",
            "% of pupils known to be eligible for free school meals")
# Quirk: this file writes "and" where other files write "&" in ward names.
SCHOOL_WARD_SPELLING = {"Holborn & Covent Garden": "Holborn and Covent Garden",
                        "St Pancras & Somers Town": "St Pancras and Somers Town"}


# A school's share of pupils eligible for free school meals follows the income deprivation
# of its ward, with noise: pupils do not all live near their school, and schools differ.
FSM_BASE = 0.08
FSM_PER_INCOME = 2.0
"""Children are more often in low-income households than people overall: about twice the
income deprivation rate, as in London's published figures."""
FSM_SCHOOL_SD = 0.08
FSM_RISE_PER_YEAR = 0.01
NURSERY_FSM_FACTOR = 0.4
"""Few nursery pupils are recorded as eligible (most are too young for the full-day
places that count), so nursery schools have small counts: the ones to suppress."""


def ward_income(imd: pd.DataFrame, lsoas: pd.DataFrame) -> dict[str, float]:
    """Each ward's mean income deprivation rate, from the deprivation file."""
    income = pd.Series(imd["Income Score (rate)"].to_numpy(), index=lsoas["ward"].to_numpy())
    return income.groupby(level=0).mean().to_dict()


def school_fsm(rng: np.random.Generator, imd: pd.DataFrame, lsoas: pd.DataFrame) -> pd.DataFrame:
    income = ward_income(imd, lsoas)
    years = [202021, 202122, 202223, 202324, 202425]
    rows = []
    phases = ["Primary"] * 30 + ["Secondary"] * 7 + ["Special"] * 3 + ["Nursery"] * 2
    for i, phase in enumerate(phases):
        urn = 990_001 + i
        ward = WARD_NAMES[int(rng.integers(20))]
        size = {"Primary": rng.integers(150, 470), "Secondary": rng.integers(700, 1300),
                "Special": rng.integers(25, 90), "Nursery": rng.integers(40, 110)}[phase]
        rate = float(np.clip(FSM_BASE + FSM_PER_INCOME * income[ward]
                             + rng.normal(0, FSM_SCHOOL_SD), 0.05, 0.75))
        if phase == "Nursery":
            rate *= NURSERY_FSM_FACTOR
        for y, year in enumerate(years):
            this_urn = urn
            if i == 11 and y >= 2:  # Quirk: academy conversion gives the school a new URN
                this_urn = 990_001 + len(phases)
            head = int(size * (1 + rng.normal(-0.015 * y, 0.03)))
            fsm = int(rng.binomial(head, min(rate + FSM_RISE_PER_YEAR * y, 0.95)))
            rows.append({"time_period": year, "URN": this_urn, "la_name": "Camden",
                         "ward_name": SCHOOL_WARD_SPELLING.get(ward, ward),
                         "phase_type_grouping": phase, "headcount of pupils": head,
                         FSM_COLS[0]: fsm, FSM_COLS[1]: round(100 * fsm / head, 1)})
    return pd.DataFrame(rows).sort_values(["time_period", "URN"], kind="stable")
