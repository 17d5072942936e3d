ksi = casualties[casualties["casualty_severity"].isin(["Fatal", "Serious"])]
ksi_by_class = ksi["casualty_class"].value_counts(normalize=True)
