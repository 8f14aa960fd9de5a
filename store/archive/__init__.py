"""The tamper-evident archive chain of every insured unit (R-7.4-archive).

``sources`` says which tables are archived and how a row finds its unit; ``canonical`` is
the byte-exact form that is hashed; ``chain`` appends entries (ORM flushes through
``hook``, Core bulk inserts through ``store/repositories/bulk.py``) and recomputes hashes
for ``anzexian verify`` (services/archive/verify.py).
"""
