"""Reading inputs: workbooks of every format, tallies, rosters, checking, blank forms."""
