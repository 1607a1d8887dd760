"""The NBTEAM_DISABLE escape hatch, read the same way by the merge driver, the filter and doctor."""
from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping


def disabled(env: Mapping[str, str] | None = None) -> bool:
    """True when NBTEAM_DISABLE is set to anything but empty or 0: nbteam steps aside."""
    return (os.environ if env is None else env).get("NBTEAM_DISABLE", "").strip() not in ("", "0")
