numeric = pd.to_numeric(ratings["RatingValue"], errors="coerce")
share_low = (numeric <= 2).sum() / len(ratings)
