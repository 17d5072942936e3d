dates = pd.to_datetime(pcns["Contravention Date"], format="%Y-%m-%dT%H:%M:%S")
n_2025 = int((dates.dt.year == 2025).sum())
