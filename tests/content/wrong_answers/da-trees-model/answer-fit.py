# also-affects: test-error
train = trees[trees["Inspection Date"] < "2024-01-01"]
slope, intercept = np.polyfit(train[HEIGHT], train[SPREAD], 1)
