fpr_by_uc = flagged.groupby(tenancies["universal_credit"]).mean()
