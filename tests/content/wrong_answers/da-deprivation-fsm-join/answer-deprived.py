# also-affects: test-combined
imd_wards = imd.merge(lookup, left_on="LSOA code (2021)", right_on="LSOA21CD",
                      how="left", validate="one_to_one")
share_deprived = (imd_wards[DECILE] >= 9).groupby(imd_wards["WD22NM"]).mean()
