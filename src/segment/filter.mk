# filter: its module fills this in
