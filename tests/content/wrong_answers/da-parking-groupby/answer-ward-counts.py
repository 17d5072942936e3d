ward_counts = pcns.groupby("Ward Name")["Cancellation Reason"].count().sort_values(ascending=False)
