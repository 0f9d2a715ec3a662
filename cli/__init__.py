"""`callboard`: the composition root. The one package that may import both fronts (tui/ and
server/) and the core: it parses the command line and hands each front its settings."""
