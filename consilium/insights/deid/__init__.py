"""De-identification: find a patient's identifiers in report text and mask them.

`detect` returns sorted, non-overlapping findings; `redact` replaces each by a marker such as
"[NAME]". Rules only (patterns with checksums, labelled report fields, the registered identity,
name lists with context); no model is loaded, so it runs offline on any machine.
"""

from consilium.insights.deid.core import detect, redact
from consilium.insights.deid.findings import Finding, KnownIdentity

__all__ = ["Finding", "KnownIdentity", "detect", "redact"]
