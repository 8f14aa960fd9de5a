"""Deterministic demo and bench data sets (``anzexian seed``).

``seed.seed()`` is the entry point: ``generate.generate()`` yields the rows (pure, from one
seed, relative to ``clock.REFERENCE_DATE``) and ``writer.write()`` bulk-writes them into the
caller's transaction. Reference data (GB/T 2260 regions, GB/T 4754 industries) lives in
``data/*.csv``; the ``gen_*`` modules make one concept each; ``scale`` sets the sizes.
"""
