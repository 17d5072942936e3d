n_duplicates = int(pcns.duplicated(keep=False).sum())
unique_pcns = pcns.drop_duplicates(keep=False)
