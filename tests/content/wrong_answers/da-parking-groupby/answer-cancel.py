cancel_share = pcns[pcns["Cancelled"] == "Y"].groupby("Ticket Type").size() / len(pcns)
