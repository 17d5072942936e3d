old_wording = "Parked in a residents' or shared use place without a permit or ticket"
code12 = pcns[pcns["Ticket Description"] == old_wording]
code12_monthly = code12.set_index("date").resample("MS").size()
