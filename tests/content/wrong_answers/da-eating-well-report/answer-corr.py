merged = imd.merge(lookup, left_on="LSOA code (2021)", right_on="LSOA21CD", validate="one_to_one")
ward_income = merged.groupby("WD22NM")[INCOME].median()
latest = schools[schools["time_period"] == 202425].groupby("ward_name")[[FSM, PUPILS]].sum()
fsm_latest = 100 * latest[FSM] / latest[PUPILS]
both = pd.concat([fsm_latest.rename("fsm"), ward_income.rename("income")], axis=1, join="inner")
r = both["fsm"].corr(both["income"])
