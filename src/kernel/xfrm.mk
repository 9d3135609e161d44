# xfrm: its module fills this in
