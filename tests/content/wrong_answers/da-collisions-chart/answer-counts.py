# also-affects: test-chart, test-table
ksi_counts = casualties["casualty_class"].value_counts().sort_values()
