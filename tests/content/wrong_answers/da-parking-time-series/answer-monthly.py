# also-affects: test-rolling, test-forecast
monthly = pcns.groupby(pcns["date"].dt.month).size()
