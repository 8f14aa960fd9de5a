"""The archive's refusals, with stable codes (R-7.4-archive)."""

from __future__ import annotations

from services.errors import DomainError
from store.archive.hook import ArchivedRowDeleted

RULE = "R-7.4-archive"


class ArchiveRetentionError(DomainError):
    """An archived row (or an archive entry) may not be deleted or rewritten within the
    retention period; a correction is a new version beside the old one."""

    code = "ARCHIVE_RETENTION"
    rule = RULE

    def __init__(self, table: str, row_id: int | None, years: int) -> None:
        super().__init__(
            f"{table} {row_id} 已归档，保存期（至少 {years} 年）内不得删除或修改；更正请新增版本"
            f"（{RULE}）",
            f"{table} {row_id} is archived: it may not be deleted or altered within the "
            f"{years}-year retention period; a correction is a new version ({RULE})",
        )
        self.table = table
        self.row_id = row_id


def retention_error(exc: ArchivedRowDeleted, years: int) -> ArchiveRetentionError:
    """The application's refusal for a flush the archive hook stopped."""
    return ArchiveRetentionError(exc.table, exc.row_id, years)


class CheckpointError(DomainError):
    """A checkpoint file that is unreadable, of another format, or not signed by our key."""

    code = "ARCHIVE_CHECKPOINT_INVALID"
    rule = RULE

    def __init__(self, why_zh: str, why_en: str) -> None:
        super().__init__(f"档案检查点无效：{why_zh}", f"invalid archive checkpoint: {why_en}")


class SigningKeyError(DomainError):
    """No signing key configured, or the file is not an Ed25519 private key."""

    code = "ARCHIVE_SIGNING_KEY"
    rule = RULE

    def __init__(self, why_zh: str, why_en: str) -> None:
        super().__init__(f"档案签名密钥不可用：{why_zh}", f"archive signing key unusable: {why_en}")
