# esp: its module fills this in
