"""The facts lake: each province-month's engine facts as Parquet, and the national run over them on Spark.

``layout`` names the paths, ``export`` writes a month (``wageguard facts export``), ``partition`` reads one
province-month back into the engine's ``Facts``, ``national`` runs the engine's own ``evaluate`` on every
province partition as a grouped Arrow UDF on Apache Spark (``wageguard national run``).
"""
