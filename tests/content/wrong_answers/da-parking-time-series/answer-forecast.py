x = np.arange(len(monthly))
slope, intercept = np.polyfit(x, monthly.to_numpy(), 1)
forecast_jan_2026 = slope * (len(monthly) - 1) + intercept
