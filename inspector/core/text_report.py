"""A verification result as plain text for a terminal."""

from __future__ import annotations

from inspector.core.run_types import VerificationResult

__all__ = ["format_result"]


def format_result(result: VerificationResult) -> str:
    lines = [f"{result.verdict.value.upper()}: {result.summary}"]
    if result.conversation_id:
        lines.append(f"Conversation: {result.conversation_id}")
    if result.rows:
        table = [("KEY", "SENT", "RECEIVED", "STATUS")] + [
            (r.key_text, r.sent_text, r.received_text, r.status.value) for r in result.rows
        ]
        widths = [max(len(row[i]) for row in table) for i in range(4)]
        lines.append("")
        for row in table:
            lines.append(
                "  ".join(
                    cell.ljust(width) for cell, width in zip(row, widths, strict=True)
                ).rstrip()
            )
        for r in result.rows:
            if r.case_differences:
                letters = "; ".join(d.describe() for d in r.case_differences)
                lines.append(f"  {r.key_text} arrived as {r.received_key!r}: {letters}")
    if result.steps:
        lines.append("")
        lines.append(
            "Steps: "
            + " · ".join(
                f"{s.name} {s.ms:.0f} ms"
                + (" (failed)" if not s.ok else " (started anyway)" if s.warned else "")
                for s in result.steps
            )
        )
    for diagnosis in result.diagnoses:
        lines.append(f"[{diagnosis.code}] {diagnosis.message}")
        if diagnosis.fix:
            lines.append(f"    Fix: {diagnosis.fix}")
    return "\n".join(lines)
