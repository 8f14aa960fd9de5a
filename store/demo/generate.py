"""The pure generator: ``generate(scale, seed)`` yields the data set as chunks of rows.

Deterministic: one ``random.Random(seed)``, no global random state, no wall clock (every date
is relative to ``clock.REFERENCE_DATE``). Chunks come in foreign-key order, table by table
for the fixed parties and batch by batch for the units, so that every row names only rows
already yielded and memory stays bounded by one batch of units.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Iterator

from store.demo.clock import calendar
from store.demo.columns import UNIT_TABLES
from store.demo.context import Batch, Chunk, Ids, World, chunk
from store.demo.gen_access import access_chunks
from store.demo.gen_complaints import complaints
from store.demo.gen_contracts import contracts
from store.demo.gen_ledger import ledger
from store.demo.gen_oversight import evaluation_chunks
from store.demo.gen_parties import agency_chunks, insurer_chunks, staff_chunks
from store.demo.gen_reference import build_leaves, reference_chunks
from store.demo.gen_services import ServiceFactory
from store.demo.gen_units import UnitFactory
from store.demo.identity import CreditCodes
from store.demo.scale import SCALES, ScaleName, ScaleSpec


def generate(scale: ScaleName | ScaleSpec, seed: int) -> Iterator[Chunk]:
    spec = SCALES[scale] if isinstance(scale, str) else scale
    rng = random.Random(seed)
    world = World(rng=rng, spec=spec, cal=calendar(), ids=Ids(), codes=CreditCodes(rng))
    yield from reference_chunks()
    build_leaves(world)
    yield from insurer_chunks(world)
    yield from agency_chunks(world)
    yield from staff_chunks(world)
    yield from _unit_batches(world)
    yield from evaluation_chunks(world)
    yield from access_chunks(world)
    yield chunk("agency_status_change", world.agency_history)


def _unit_batches(world: World) -> Iterator[Chunk]:
    spec = world.spec
    units = UnitFactory(world)
    services = ServiceFactory(world)
    for first in range(0, spec.units, spec.unit_batch):
        batch = Batch(UNIT_TABLES)
        for n in range(first, min(first + spec.unit_batch, spec.units)):
            unit, insurer = units.unit(batch, n)
            for policy in units.policies(batch, unit, insurer):
                delivered = services.records(batch, unit, policy)
                ledger(world, batch, unit, policy, delivered)
            complaints(world, batch, unit)
        contracts(world, batch)
        yield from batch.chunks()


def digest(chunks: Iterable[Chunk]) -> str:
    """A fingerprint of a data set, for checking that a seed reproduces it exactly."""
    h = hashlib.sha256()
    for c in chunks:
        h.update(repr((c.table, c.columns, c.rows)).encode())
    return h.hexdigest()
