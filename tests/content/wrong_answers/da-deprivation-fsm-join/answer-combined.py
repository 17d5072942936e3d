combined = pd.concat(
    [share_deprived.rename("share_deprived"), fsm_percent.rename("fsm_percent")],
    axis=1, join="inner",
)
