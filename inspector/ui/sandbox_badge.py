"""The lasting badge that names the sandbox faults switched on, so a failing run is never
mistaken for the org's own doing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtWidgets import QLabel, QWidget

__all__ = ["BADGE_BACKGROUND", "FAULTS_MESSAGE", "FaultsBadge"]

BADGE_BACKGROUND = "#fff4d6"
# The status message of a choice in the Sandbox faults menu (it fades; the badge stays).
FAULTS_MESSAGE = "Sandbox faults for the next run: "


class FaultsBadge(QLabel):
    """Reads "⚠ Sandbox faults: lowercase-keys, slow" while any is on; hidden when none is."""

    def __init__(self, descriptions: Mapping[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._descriptions = dict(descriptions)
        self.setObjectName("faultsBadge")
        self.setStyleSheet(
            f"QLabel#faultsBadge {{ background: {BADGE_BACKGROUND}; color: #7a4b00;"
            " border: 1px solid #d4a72c; border-radius: 3px; padding: 1px 6px; }"
        )
        self.hide()

    def show_faults(self, names: Iterable[str]) -> None:
        """Name ``names`` (none: hide); the tooltip describes each."""
        chosen = sorted(names)
        if not chosen:
            self.hide()
            self.clear()
            self.setToolTip("")
            return
        self.setText(f"⚠ Sandbox faults: {', '.join(chosen)}")
        lines = [
            f"{name}: {self._descriptions[name]}" if name in self._descriptions else name
            for name in chosen
        ]
        self.setToolTip(
            "The sandbox misbehaves on purpose (Sandbox faults menu):\n" + "\n".join(lines)
        )
        self.show()
