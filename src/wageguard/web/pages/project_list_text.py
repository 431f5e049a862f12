"""Messages of the project list's sortable columns and owes-wages column (Chinese first, English second)."""

from __future__ import annotations

from wageguard.web.i18n import register

TEXT: dict[str, tuple[str, str]] = {
    "plist.owes": ("是否欠薪", "Owes wages"),
    "plist.owes_yes": ("欠薪 {amount} 元", "Owes {amount} yuan"),
    "plist.owes_no": ("未发现", "None found"),
    "plist.sort_by": ("按此列排序", "Sort by this column"),
}

register(TEXT)
