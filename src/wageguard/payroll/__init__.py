"""Money: wage accounts, labour-cost inflows, deposits, pay sheets, bank payment flows and matching."""
