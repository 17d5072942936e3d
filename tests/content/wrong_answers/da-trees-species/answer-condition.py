condition_by_maturity = pd.crosstab(
    trees["Maturity"], trees["Physiological Condition"], normalize="columns"
)
