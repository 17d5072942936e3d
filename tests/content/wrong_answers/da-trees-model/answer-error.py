train = valid[valid["Inspection Date"] < "2024-01-01"]
predicted = slope * train[HEIGHT] + intercept
mae_model = (train[SPREAD] - predicted).abs().mean()
mae_baseline = (train[SPREAD] - train[SPREAD].median()).abs().mean()
