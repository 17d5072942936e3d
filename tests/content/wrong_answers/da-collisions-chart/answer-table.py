ordered = ksi_counts.sort_values(ascending=False)
table = pd.DataFrame({
    "Road user": ordered.index,
    "Killed or seriously injured": ordered.to_numpy(),
    "Share (%)": (ordered / ordered.sum()).round(1).to_numpy(),
})
