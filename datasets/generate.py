"""Make the academy's synthetic datasets: `python datasets/generate.py [OUT_DIR]`.

Every file imitates the schema and the known quirks of a real public dataset
(see docs/datasets/ for one data card per file) but describes no real person,
business or tenancy. Each dataset has its own fixed seed, so a run writes the
same bytes every time; tests/content/test_datasets.py checks that.

One module per dataset beside this file; `camden.py` holds the wards, streets and
helpers they share. The relationships the lessons discuss are built in on purpose
(free school meals follow income deprivation, newer tree inspections are of younger
trees, ...) and checked by the claims in `datasets/claims.yml` and `courses/*/claims.yml`.

The default output folder is datasets/data/ beside this file.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the dataset modules beside this file

from casualties import road_casualties  # noqa: E402
from deprivation import imd2025_lsoa, lsoa_list, lsoa_ward_lookup  # noqa: E402
from food import food_hygiene  # noqa: E402
from housing import housing_arrears  # noqa: E402
from parking import parking_pcns  # noqa: E402
from schools import school_fsm  # noqa: E402
from trees import street_trees  # noqa: E402

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"


def builders() -> dict[str, Callable[[], pd.DataFrame]]:
    """File name -> function making it. Each gets its own seed, so that changing how one
    dataset is drawn never changes another. The one dependency is on purpose: the school
    file reads each ward's income deprivation from the deprivation file, because free
    school meals follow income deprivation."""
    lsoas = lsoa_list(np.random.default_rng(2025_04))
    imd = functools.cache(lambda: imd2025_lsoa(np.random.default_rng(2025_05), lsoas))
    return {
        "parking_pcns.csv": lambda: parking_pcns(np.random.default_rng(2024_01)),
        "street_trees.csv": lambda: street_trees(np.random.default_rng(2024_02)),
        "road_casualties.csv": lambda: road_casualties(np.random.default_rng(2024_03)),
        "imd2025_lsoa.csv": imd,
        "lsoa_ward_lookup.csv": lambda: lsoa_ward_lookup(lsoas),
        "food_hygiene.csv": lambda: food_hygiene(np.random.default_rng(2024_06)),
        "school_fsm.csv": lambda: school_fsm(np.random.default_rng(2024_07), imd(), lsoas),
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
