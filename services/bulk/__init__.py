"""Bulk NDJSON ingestion for insurers' systems (issue 3, item 5): streamed, validated line by
line with the single-record services' own rules, all or nothing per upload."""

from services.bulk.kinds import KINDS, BulkKind
from services.bulk.lines import BodyTooLarge
from services.bulk.report import Outcome, Refusal
from services.bulk.tenancy import UploadPermit
from services.bulk.upload import Limits, Uploader, ingest

__all__ = [
    "KINDS",
    "BodyTooLarge",
    "BulkKind",
    "Limits",
    "Outcome",
    "Refusal",
    "UploadPermit",
    "Uploader",
    "ingest",
]
