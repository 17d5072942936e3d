unique = pcns.drop_duplicates()
share_parking_no_location = unique["Ward Name"].isna().mean()
