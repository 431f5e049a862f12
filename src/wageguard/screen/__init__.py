"""The command screen (大屏): the region's figures, map, trends, rankings and live feed, read from tallies."""
