"""Content-addressed attachment files beside the database (or in a configured folder)."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from pathlib import Path

from helpdesk_tui.store.errors import ValidationFailed
from helpdesk_tui.text import strip_controls

_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|]+')
MAX_NAME = 255


def sanitise_filename(name: str) -> str:
    """A file name safe on every system: no folders, no controls, no reserved characters."""
    name = unicodedata.normalize("NFC", strip_controls(name, single_line=True))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_NAME.sub("_", name).strip(" .")
    if not name:
        name = "attachment"
    if len(name.encode()) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        ext = ext[:16] if dot else ""
        budget = MAX_NAME - len(ext.encode()) - 1
        stem = (stem or name).encode()[:budget].decode(errors="ignore")
        name = f"{stem}.{ext}" if ext else stem
    return name


class BlobStore:
    def __init__(self, folder: Path, limit: int) -> None:
        self.folder = folder
        self.limit = limit

    def path_of(self, sha256: str) -> Path:
        return self.folder / sha256[:2] / sha256[2:4] / sha256

    def check(self, name: str, data: bytes) -> None:
        if len(data) > self.limit:
            raise ValidationFailed(
                {
                    "attachments": (
                        "{name} is larger than the limit of {limit} bytes",
                        {"name": sanitise_filename(name), "limit": self.limit},
                    )
                }
            )

    def put(self, data: bytes) -> str:
        """Store the bytes once (atomically) and return their SHA-256."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path_of(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def read(self, sha256: str) -> bytes:
        return self.path_of(sha256).read_bytes()
