# (empty until its module lands)
