false_positive_rate = (~notice[flagged]).mean()
