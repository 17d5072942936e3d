# also-affects: test-fpr, test-fpr-uc, test-missed
flagged = tenancies["weeks_in_arrears"] > 4
