"""Council tenancies and rent arrears (housing_arrears.csv): invented for teaching."""

from __future__ import annotations

import numpy as np
import pandas as pd
from camden import WARD_NAMES, yes_no


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
