streets = pcns.drop_duplicates()["Street"]
street_districts = streets.str.split().str[-1].value_counts()
