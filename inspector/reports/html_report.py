"""A self-contained HTML report: the side-by-side tables, colours and step timings, no assets.

Everything is inline (CSS in a style element, no scripts, no external fonts), so the file can
be attached to a CI run or mailed and still render the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from inspector.core import Verdict
from inspector.core.expectations import CheckStatus
from inspector.core.scenario import ScenarioError

if TYPE_CHECKING:
    from inspector.core.expectations import ScenarioRun

__all__ = ["render_html", "write_html"]

# Same palette as the window's results table (ui/results_model.py).
_ROW_CLASS = {
    CheckStatus.MATCH: "ok",
    CheckStatus.CHANGED_BY_FLOW: "flow",
    CheckStatus.MISSING: "bad",
    CheckStatus.MISMATCH: "bad",
    CheckStatus.FORBIDDEN: "bad",
    CheckStatus.CASE_MISMATCH: "warn",
    CheckStatus.EXTRA: "extra",
}
_SYMBOL = {
    CheckStatus.MATCH: "✔ match",
    CheckStatus.CHANGED_BY_FLOW: "↻ changed by flow",
    CheckStatus.MISSING: "✖ missing",
    CheckStatus.MISMATCH: "✖ mismatch",
    CheckStatus.FORBIDDEN: "✖ must not appear",
    CheckStatus.CASE_MISMATCH: "⚠ case mismatch",
    CheckStatus.EXTRA: "+ extra",
}

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;
 margin:0;background:#f6f8fa}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:0;display:flex;gap:10px;
 align-items:center}
.muted{color:#59636e}.pills{display:flex;gap:8px;margin:14px 0 20px}
.pill,.badge{display:inline-block;border-radius:999px;padding:2px 10px;font-weight:600;
 font-size:12px;letter-spacing:.03em;white-space:nowrap}
.overview th,.overview td.nowrap,.ms{white-space:nowrap}
.pass{background:#1a7f37;color:#fff}.fail{background:#cf222e;color:#fff}
.error{background:#9a6700;color:#fff}.invalid{background:#6e7781;color:#fff}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid #d1d9e0;vertical-align:top;
 word-break:break-word}
th{background:#eef1f5;font-weight:600}
tr.ok td{background:#e3f4e6}tr.bad td{background:#fbe3e3}tr.warn td{background:#fdf0d5}
tr.extra td{background:#eef1f5}tr.flow td{background:#e5f0fb}
td.key{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:13px;white-space:nowrap}
td.val{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:13px;max-width:340px}
section{background:#fff;border:1px solid #d1d9e0;border-radius:8px;padding:16px;margin:0 0 18px}
section .summary{margin:6px 0 12px}
.meta{font-size:12px;color:#59636e;margin-bottom:10px}
ul{margin:8px 0 0;padding-left:20px}
.steps{margin-top:12px;display:grid;grid-template-columns:210px 1fr 70px;gap:4px 10px;
 font-size:12px;align-items:center}
.bar{height:10px;background:#0969da;border-radius:3px;min-width:2px}
.bar.failed{background:#cf222e}.ms{text-align:right;font-variant-numeric:tabular-nums}
.overview td:first-child a{color:#0969da;text-decoration:none}
"""


def _badge(verdict: str) -> str:
    return f'<span class="badge {escape(verdict)}">{escape(verdict.upper())}</span>'


def _cell(value: str | None) -> str:
    return "—" if value is None else escape(value)


def _section(index: int, run: ScenarioRun) -> str:
    outcome = run.outcome
    result = outcome.result
    meta = [f"file {escape(outcome.scenario.source or '—')}", f"profile {outcome.scenario.profile}"]
    if outcome.scenario.faults:
        meta.append("sandbox faults " + escape(", ".join(sorted(outcome.scenario.faults))))
    if result.conversation_id:
        meta.append(f"conversation {escape(result.conversation_id)}")
    meta.append(f"{run.seconds:.2f} s")
    parts = [
        f'<section id="s{index}"><h2>{_badge(outcome.verdict.value)} '
        f"{escape(outcome.scenario.name)}</h2>",
        f'<div class="summary">{escape(outcome.summary)}</div>',
        f'<div class="meta">{" · ".join(meta)}</div>',
    ]
    if outcome.rows:
        parts.append(
            "<table><thead><tr><th>Key</th><th>Sent</th><th>Received</th><th>Status</th>"
            "</tr></thead><tbody>"
        )
        for checked in outcome.rows:
            row = checked.row
            sent = None if row.sent is None else row.sent_text
            received = None if row.received is None else row.received_text
            notes = [checked.note] if checked.note else []
            notes += [d.describe() for d in row.case_differences]
            note = "".join(f'<div class="muted">{escape(n)}</div>' for n in notes)
            parts.append(
                f'<tr class="{_ROW_CLASS[checked.status]}">'
                f'<td class="key">{escape(row.key_text)}</td>'
                f'<td class="val">{_cell(sent)}</td><td class="val">{_cell(received)}</td>'
                f"<td>{escape(_SYMBOL[checked.status])}{note}</td></tr>"
            )
        parts.append("</tbody></table>")
    problems = [escape(f) for f in outcome.other_failures]
    problems += [
        f"<b>{escape(d.code)}</b>: {escape(d.message)}"
        + (f' <span class="muted">Fix: {escape(d.fix)}</span>' if d.fix else "")
        for d in result.diagnoses
    ]
    if outcome.bot_reply is not None and outcome.bot_reply.texts:
        seen = ", ".join(repr(t) for t in outcome.bot_reply.texts)
        problems.append(f"Bot said: {escape(seen)} ({outcome.bot_reply.waited_ms:.0f} ms)")
    if problems:
        parts.append("<ul>" + "".join(f"<li>{p}</li>" for p in problems) + "</ul>")
    if result.steps:
        longest = max(s.ms for s in result.steps) or 1.0
        parts.append('<div class="steps">')
        for step in result.steps:
            width = max(1.0, 100 * step.ms / longest)
            failed = "" if step.ok else " failed"
            parts.append(
                f"<div>{escape(step.label)}</div>"
                f'<div><div class="bar{failed}" style="width:{width:.1f}%"></div></div>'
                f'<div class="ms">{step.ms:.0f} ms</div>'
            )
        parts.append("</div>")
    parts.append("</section>")
    return "".join(parts)


def render_html(
    runs: Sequence[ScenarioRun],
    load_errors: Sequence[ScenarioError] = (),
    *,
    title: str = "Inspector scenario report",
    generated: datetime | None = None,
) -> str:
    generated = generated or datetime.now(UTC)
    counts = {v: sum(1 for r in runs if r.outcome.verdict is v) for v in Verdict}
    pills = "".join(
        f'<span class="pill {v.value}">{counts[v]} {v.value}</span>' for v in Verdict if counts[v]
    )
    if load_errors:
        pills += f'<span class="pill invalid">{len(load_errors)} invalid</span>'
    overview = [
        '<table class="overview"><thead><tr><th>Scenario</th><th>Verdict</th><th>Summary</th>'
        "<th>Time</th></tr></thead><tbody>"
    ]
    for i, run in enumerate(runs):
        overview.append(
            f'<tr><td><a href="#s{i}">{escape(run.scenario.name)}</a></td>'
            f'<td class="nowrap">{_badge(run.outcome.verdict.value)}</td>'
            f"<td>{escape(run.outcome.summary)}</td>"
            f'<td class="ms">{run.seconds:.2f} s</td></tr>'
        )
    for problem in load_errors:
        overview.append(
            f"<tr><td>{escape(Path(problem.file).name)}</td>"
            f'<td class="nowrap">{_badge("invalid")}</td>'
            f"<td>{escape(str(problem))}</td><td></td></tr>"
        )
    overview.append("</tbody></table>")
    body = "".join(_section(i, run) for i, run in enumerate(runs))
    stamp = generated.strftime("%Y-%m-%d %H:%M:%S UTC")
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body><main>"
        f'<h1>{escape(title)}</h1><div class="muted">{len(runs) + len(load_errors)} '
        f"scenarios · generated {stamp}</div>"
        f'<div class="pills">{pills}</div>{"".join(overview)}<h2 style="margin:22px 0 10px">'
        f"Details</h2>{body}</main></body></html>\n"
    )


def write_html(
    path: Path, runs: Sequence[ScenarioRun], load_errors: Sequence[ScenarioError] = ()
) -> None:
    path.write_text(render_html(runs, load_errors), encoding="utf-8")
