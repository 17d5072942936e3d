is_moving = pcns["Ticket Type"].isin(["MTC", "BUS"])
table = pd.crosstab(pcns["Ward Name"], is_moving, normalize="columns")
moving_share = table[True]
