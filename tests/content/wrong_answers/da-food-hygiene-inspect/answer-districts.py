district_counts = ratings["PostCode"].dropna().str.split(" ").str[0].value_counts()
