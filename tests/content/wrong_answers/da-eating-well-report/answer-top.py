latest = schools[schools["time_period"] == 202425]
mean_pct = latest.groupby("ward_name")[
    "% of pupils known to be eligible for free school meals"
].mean()
top_wards = mean_pct.sort_values(ascending=False).head(3).index.tolist()
