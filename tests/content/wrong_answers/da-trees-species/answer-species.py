# also-affects: test-top-share
names = trees["Common Name"]
species_counts = names[names.notna() & (names != "Unknown")].value_counts()
