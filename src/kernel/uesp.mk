# uesp: its module fills this in
