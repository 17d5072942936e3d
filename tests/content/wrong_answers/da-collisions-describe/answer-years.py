dates = pd.to_datetime(casualties["date"], format="%m/%d/%Y", errors="coerce")
per_year = dates.dt.year.value_counts().sort_index()
