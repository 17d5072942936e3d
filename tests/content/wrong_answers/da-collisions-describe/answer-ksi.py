ksi_share = (casualties["casualty_severity"] == "Serious").mean()
