totals = schools.groupby(["ward_name", "time_period"])[[FSM, PUPILS]].sum()
percent = (100 * totals[FSM] / totals[PUPILS]).unstack("time_period")
fsm_change = 100 * (percent[202425] - percent[202021]) / percent[202021]
