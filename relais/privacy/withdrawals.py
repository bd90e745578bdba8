"""Consent withdrawn on LinkedIn: a member who revoked Relais's authorisation is treated as withdrawn.

When the data-portability APIs answer 401 or 403 for a member, the member has revoked the
authorisation (or LinkedIn removed it). The connector then deletes the member's token and their
API files and calls ``record_withdrawal``: the member's erasure token (a keyed hash, never their
id) goes into ``state/consent_withdrawals.json`` and the erasure audit log gets a line saying what
was removed, never who. From the next roster load on, the member is not an ambassador, exactly as
if the roster said their consent was withdrawn, so their rows leave the warehouse and the published
snapshot at that run. A new consent through the consent page clears the withdrawal
(``clear_withdrawal``).
"""

from __future__ import annotations

import json
import os
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from relais.home import RelaisHome

REVOKED_EVENT = "linkedin_authorisation_revoked"


def withdrawals_path(home: RelaisHome) -> Path:
    """The file of withdrawn members' erasure tokens, with when and why."""
    return home.root / "state" / "consent_withdrawals.json"


def _load(path: Path) -> dict[str, dict[str, str]]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path} is not a readable withdrawals file ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path} is not a withdrawals file: expected an object of erasure tokens")
    return data


def _save(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=".withdrawals-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=1, sort_keys=True)
            handle.write("\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _audit(home: RelaisHome, line: dict[str, Any]) -> None:
    folder = home.erasure_dir
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "audit.log").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")


def record_withdrawal(home: RelaisHome, agent_id: str, reason: str, at: datetime | None = None) -> None:
    """Mark a member as having withdrawn consent on LinkedIn and write the erasure audit's line."""
    moment = (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    token = home.pseudonymiser.erasure_token(agent_id)
    path = withdrawals_path(home)
    data = _load(path)
    data[token] = {"withdrawn_at": moment, "reason": reason}
    _save(path, data)
    _audit(
        home,
        {
            "event": REVOKED_EVENT,
            "erasure_id": uuid.uuid4().hex,
            "erased_at": moment,
            "status": "completed",
            "reason": reason,
            "linkedin_token_removed": True,
            "notes": ["the member's rows leave the warehouse and the published snapshot at the next refresh"],
        },
    )


def clear_withdrawal(home: RelaisHome, agent_id: str) -> bool:
    """Forget a member's withdrawal (they consented again); True when there was one."""
    path = withdrawals_path(home)
    data = _load(path)
    if data.pop(home.pseudonymiser.erasure_token(agent_id), None) is None:
        return False
    _save(path, data)
    return True


def withdrawn_tokens(home: RelaisHome) -> frozenset[str]:
    """Erasure tokens of the members whose LinkedIn authorisation was revoked (none without the file)."""
    return frozenset(_load(withdrawals_path(home)))
