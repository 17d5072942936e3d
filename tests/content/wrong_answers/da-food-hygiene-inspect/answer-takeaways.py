n_takeaways = int((ratings["BusinessType"] == "Takeaway/sandwich shop").sum())
