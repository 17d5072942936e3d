rating = pd.to_numeric(ratings["RatingValue"], errors="coerce")
n_not_rated = int(ratings["RatingValue"].isna().sum())
