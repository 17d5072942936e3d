top_species = species_counts.index[0]
top_share = species_counts.iloc[0] / len(trees)
