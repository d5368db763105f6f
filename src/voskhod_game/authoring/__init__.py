"""Tools for writers: story analysis, graphs, simulation, schema and scaffolding.

Nothing here is needed to play; the game never imports this package.
"""
