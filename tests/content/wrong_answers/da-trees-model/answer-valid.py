# also-affects: test-fit, test-error
valid = trees[trees[HEIGHT] < 50]
n_removed = len(trees) - len(valid)
