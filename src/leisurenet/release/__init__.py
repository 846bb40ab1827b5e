"""The release stage: the run's record and what leaves the project.

``manifest`` (with ``content``, ``equivalence``, ``machine`` and ``gitstate``) records and
verifies a run (``results/manifest.json``); ``disclosure``, ``settings`` and ``archive``
build the public release (``results/release``).
"""
