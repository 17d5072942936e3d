# also-affects: test-combined
latest = schools[schools["time_period"] == 202425]
fsm_percent = latest.groupby("ward_name")[
    "% of pupils known to be eligible for free school meals"
].mean()
