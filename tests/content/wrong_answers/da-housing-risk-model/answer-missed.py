miss_rate = (~flagged & notice).sum() / len(tenancies)
