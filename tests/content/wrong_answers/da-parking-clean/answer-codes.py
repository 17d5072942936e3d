code_counts = pcns.drop_duplicates()["Contravention Code"].value_counts()
