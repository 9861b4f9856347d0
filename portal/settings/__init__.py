"""Settings package: ``base`` holds everything read from the environment;
``dev``, ``test`` and ``prod`` only change defaults. Nothing secret has a default
outside development."""
