"""Settings package: ``base`` composes ``components/`` (one module per concern, each
read from the environment); ``dev``, ``test`` and ``prod`` only change defaults.
Nothing secret has a default outside development."""
