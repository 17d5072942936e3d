rolling3 = monthly.rolling(3, center=True).mean()
