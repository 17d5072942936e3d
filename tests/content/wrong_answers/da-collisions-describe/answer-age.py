median_age = casualties["casualty_age"].median()
