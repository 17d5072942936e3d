"""The synthetic datasets in datasets/data/: reproducible, small, real schemas, real quirks."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "datasets" / "data"
CARDS = ROOT / "docs" / "datasets"
MAX_BYTES = 3_000_000

EXPECTED_COLUMNS: dict[str, list[str]] = {
    "parking_pcns.csv": [
        "Contravention Date", "Ticket Type", "Ticket Description", "Contravention Code",
        "Street", "Vehicle Category", "Vehicle Removed", "Status Of Case",
        "Charging Band Description", "Cancelled", "Written Off", "Cancellation Reason",
        "Foreign Vehicle", "Has Appeal", "Formal Representation", "Ward Code", "Ward Name",
        "Easting", "Northing", "Longitude", "Latitude", "Spatial Accuracy",
    ],
    "street_trees.csv": [
        "Identifier", "Site Name", "Common Name", "Scientific Name", "Height In Metres",
        "Spread In Metres", "Diameter In Centimetres At Breast Height", "Maturity",
        "Physiological Condition", "Inspection Date", "Latitude", "Longitude",
    ],
    "road_casualties.csv": [
        "date", "day", "number_of_casualties", "number_of_vehicles", "casualty_age",
        "casualty_age_band", "casualty_sex", "casualty_class", "casualty_severity",
        "road_type", "speed_limit", "junction_detail", "weather", "road_surface",
        "latitude", "longitude",
    ],
    "lsoa_ward_lookup.csv": ["LSOA21CD", "LSOA21NM", "WD22CD", "WD22NM", "LAD22CD", "LAD22NM"],
    "food_hygiene.csv": [
        "FHRSID", "BusinessName", "BusinessType", "AddressLine1", "AddressLine2",
        "AddressLine3", "AddressLine4", "PostCode", "RatingValue", "RatingDate",
        "LocalAuthorityName", "Hygiene", "Structural", "ConfidenceInManagement",
        "Longitude", "Latitude",
    ],
    "school_fsm.csv": [
        "time_period", "URN", "la_name", "ward_name", "phase_type_grouping",
        "headcount of pupils", "number of pupils known to be eligible for free school meals",
        "% of pupils known to be eligible for free school meals",
    ],
    "housing_arrears.csv": [
        "tenancy_ref", "ward_name", "household_size", "lead_tenant_age_band",
        "months_at_address", "rent_weekly", "weeks_in_arrears", "universal_credit",
        "has_support_plan", "later_eviction_notice",
    ],
}
IMD_DOMAINS = [
    "Income", "Employment", "Education, Skills and Training",
    "Health Deprivation and Disability", "Crime", "Barriers to Housing and Services",
    "Living Environment",
]
WARDS_2022 = {
    "Belsize", "Bloomsbury", "Camden Square", "Camden Town", "Fortune Green", "Frognal",
    "Gospel Oak", "Hampstead Town", "Haverstock", "Highgate", "Holborn & Covent Garden",
    "Kentish Town North", "Kentish Town South", "Kilburn", "King's Cross", "Primrose Hill",
    "Regent's Park", "South Hampstead", "St Pancras & Somers Town", "West Hampstead",
}
ALL_FILES = [*EXPECTED_COLUMNS, "imd2025_lsoa.csv"]


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate", ROOT / "datasets" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name, keep_default_na=True)


def test_generator_is_reproducible(tmp_path: Path) -> None:
    written = load_generator().generate(tmp_path)
    assert sorted(p.name for p in written) == sorted(ALL_FILES)
    for path in written:
        assert path.read_bytes() == (DATA / path.name).read_bytes(), (
            f"datasets/data/{path.name} differs from a fresh run of datasets/generate.py: "
            "run `.venv/bin/python datasets/generate.py` and commit the result"
        )


@pytest.mark.parametrize("name", ALL_FILES)
def test_file_is_small_and_has_a_data_card(name: str) -> None:
    assert (DATA / name).stat().st_size < MAX_BYTES, f"{name} is 3 MB or more"
    card = CARDS / name.replace(".csv", ".md")
    assert card.is_file(), f"no data card {card.relative_to(ROOT)}"
    text = card.read_text(encoding="utf-8")
    assert "synthetic" in text.lower() and "datasets/generate.py" in text
    assert name in (CARDS / "index.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", list(EXPECTED_COLUMNS))
def test_columns_are_exactly_the_real_schema(name: str) -> None:
    assert list(read(name).columns) == EXPECTED_COLUMNS[name]


def test_imd_columns_follow_the_published_pattern() -> None:
    cols = list(read("imd2025_lsoa.csv").columns)
    assert cols[:3] == ["LSOA code (2021)", "LSOA name (2021)",
                        "Local Authority District code (2024)"]
    for domain in ["Index of Multiple Deprivation (IMD)", *IMD_DOMAINS]:
        assert any(c.startswith(f"{domain} Score") for c in cols), domain
        assert f"{domain} Rank (where 1 is most deprived)" in cols
        assert f"{domain} Decile (where 1 is most deprived 10% of LSOAs)" in cols


def test_parking_quirks() -> None:
    pcns = read("parking_pcns.csv")
    assert 10_000 <= len(pcns) <= 16_000
    no_location = pcns["Latitude"].isna()
    assert 0.3 < no_location.mean() < 0.5
    assert (pcns["Easting"].isna() == no_location).all()
    moving = pcns["Ticket Type"].isin(["MTC", "BUS"])
    assert 0.25 < moving.mean() < 0.42
    assert pcns.duplicated().sum() > 0
    codes = set(pcns["Contravention Code"])
    assert {"01", "12", "33H", "52M"} <= codes
    assert "1" in codes, "some codes should have lost their leading zero"
    assert pcns["Street"].str.contains("BY JUNCTION WITH").any()
    assert (pcns["Street"] == pcns["Street"].str.upper()).all()
    wording = pcns.loc[pcns["Contravention Code"] == "12", "Ticket Description"].nunique()
    assert wording == 2, "code 12 should change its wording part way through"
    assert set(pcns["Ward Name"].dropna()) <= WARDS_2022
    assert pcns["Contravention Date"].str[:4].isin(["2024", "2025"]).all()


def test_tree_quirks() -> None:
    trees = read("street_trees.csv")
    assert (trees["Height In Metres"] == 0).any() and (trees["Height In Metres"] == 99).any()
    assert trees["Scientific Name"].isna().any()
    lower = trees["Common Name"].dropna().str.lower()
    assert lower.nunique() < trees["Common Name"].dropna().nunique(), "case should vary"


def test_casualty_quirks() -> None:
    cas = read("road_casualties.csv")
    assert (cas["casualty_age"] == -1).any()
    missing_age = cas["casualty_age"] == -1
    assert (cas.loc[missing_age, "casualty_age_band"] == "Data missing or out of range").all()
    assert cas["latitude"].isna().any()
    assert set(cas["casualty_severity"]) == {"Fatal", "Serious", "Slight"}


def test_imd_and_lookup_join() -> None:
    imd, lookup = read("imd2025_lsoa.csv"), read("lsoa_ward_lookup.csv")
    assert 100 <= len(imd) <= 160
    assert imd["LSOA code (2021)"].str.startswith("SYN-").all(), "codes must look synthetic"
    assert (imd["Local Authority District code (2024)"] == "E09000007").all()
    assert set(imd["LSOA code (2021)"]) == set(lookup["LSOA21CD"])
    assert set(lookup["WD22NM"]) == WARDS_2022
    assert lookup["WD22CD"].str.startswith("SYN-").all()
    rank = imd["Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)"]
    score = imd["Index of Multiple Deprivation (IMD) Score"]
    # Spearman: Pearson on the ranks (pandas needs scipy for method="spearman").
    assert score.rank().corr(rank.rank()) < -0.99, "higher score should mean lower rank"


def test_food_hygiene_quirks() -> None:
    food = read("food_hygiene.csv")
    assert {"0", "1", "2", "3", "4", "5", "Exempt", "AwaitingInspection"} == set(
        food["RatingValue"])
    assert food["Latitude"].isna().any()
    assert food.loc[food["RatingValue"] == "Exempt", "Hygiene"].isna().all()
    assert {"Takeaway", "Takeaway/sandwich shop"} <= set(food["BusinessType"])


def test_school_fsm_quirks() -> None:
    schools = read("school_fsm.csv")
    assert schools["time_period"].nunique() >= 4
    number = schools["number of pupils known to be eligible for free school meals"]
    pct = schools["% of pupils known to be eligible for free school meals"]
    assert ((100 * number / schools["headcount of pupils"]).round(1) == pct).all()
    assert (number < 10).any(), "some small counts for the suppression lesson"
    assert "Holborn and Covent Garden" in set(schools["ward_name"]), "the 'and' spelling quirk"


def test_housing_model_flags_unequally() -> None:
    """A naive rule (4+ weeks in arrears) wrongly flags Universal Credit households more."""
    homes = read("housing_arrears.csv")
    flagged = homes["weeks_in_arrears"] >= 4
    no_notice = homes["later_eviction_notice"] == "N"
    rates = (flagged & no_notice).groupby(homes["universal_credit"]).sum() / no_notice.groupby(
        homes["universal_credit"]).sum()
    assert rates["Y"] > 2 * rates["N"]
    assert not {"name", "address", "postcode"} & {c.lower() for c in homes.columns}


def test_exercises_link_to_the_datasets() -> None:
    """Exercise folders hold relative symlinks into datasets/data/, never stale copies."""
    links = sorted(p for p in (ROOT / "exercises").glob("*/*.csv") if p.is_symlink())
    for link in links:
        target = Path(link.readlink())
        assert not target.is_absolute(), f"{link.relative_to(ROOT)} must be a relative link"
        name = link.relative_to(ROOT)
        assert link.resolve().parent == DATA, f"{name} must point into datasets/data/"
        assert link.resolve().is_file(), f"{link.relative_to(ROOT)} points to a missing file"
    essentials = sorted((ROOT / "exercises").glob("de-*/*.csv"))
    assert essentials and all(p.is_symlink() for p in essentials)
