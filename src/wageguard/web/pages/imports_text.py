"""Messages of the upload pages (pay sheets here, bank statements in ``money_text``), Chinese first, English
second, added to the shared catalogue on import."""

from __future__ import annotations

from wageguard.web.i18n import register

TEXT: dict[str, tuple[str, str]] = {
    "imp.title": ("上传工资单", "Upload a pay sheet"),
    "imp.lead": (
        "选择本单位参与的项目和工资月份，上传工资单文件（XLSX、CSV 或 JSON，字段名采用全国平台标准）。"
        "保存前先显示逐行检查结果，确认后才入库。",
        "Pick one of your projects and the pay month, then upload the pay sheet (XLSX, CSV or JSON with the "
        "national field names). The check is shown row by row before anything is stored; it is stored only "
        "when you confirm.",
    ),
    "imp.project": ("项目", "Project"),
    "imp.pick_project": ("请选择项目", "Choose a project"),
    "imp.month": ("工资月份", "Pay month"),
    "imp.file": ("工资单文件", "Pay-sheet file"),
    "imp.encoding": ("CSV 编码（可不填，自动识别）", "CSV encoding (optional, detected)"),
    "imp.check": ("检查文件", "Check the file"),
    "imp.no_projects": (
        "贵单位暂无可上传工资单的项目。",
        "Your enterprise has no project to upload pay sheets for.",
    ),
    "imp.form_incomplete": (
        "请选择项目和工资月份，并选择要上传的文件。",
        "Choose a project and a pay month, and pick the file to upload.",
    ),
    "imp.project_refused": (
        "该项目不是贵单位参与的项目，不能为其上传工资单。",
        "This project is not one of your enterprise's projects: you cannot upload pay sheets for it.",
    ),
    "imp.clerks_only": (
        "只有施工企业的工资专员可以上传工资单。",
        "Only an enterprise's payroll clerk can upload pay sheets.",
    ),
    "imp.token_gone": (
        "这次上传已确认过或已过期（30 分钟），请重新上传文件。",
        "This upload was already confirmed or has expired (30 minutes); please upload the file again.",
    ),
    "imp.preview_title": ("工资单检查结果", "Pay-sheet check"),
    "imp.file_line": ("文件：{name}（{format}）", "File: {name} ({format})"),
    "imp.summary": (
        "共 {rows} 行，{workers} 名工人，实发合计 {amount} 元，应发合计 {gross} 元。",
        "{rows} [[rows:row|rows]], {workers} [[workers:worker|workers]], net pay {amount} yuan, "
        "gross pay {gross} yuan.",
    ),
    "imp.ok": (
        "文件检查通过，尚未保存。请核对后点击“确认导入”。",
        "The file passed the check and is not stored yet. Review it, then press “Confirm import”.",
    ),
    "imp.bad": (
        "文件有 {n} 处错误，未保存任何数据。请修改文件后重新上传。",
        "The file has {n} problems; nothing was stored. Correct the file and upload it again.",
    ),
    "imp.bad_one": (
        "文件有 {n} 处错误，未保存任何数据。请修改文件后重新上传。",
        "The file has {n} problem; nothing was stored. Correct the file and upload it again.",
    ),
    "imp.errors": ("错误", "Problems"),
    "imp.row": ("行号", "Row"),
    "imp.field": ("字段", "Field"),
    "imp.value": ("内容", "Value"),
    "imp.reason": ("原因", "Reason"),
    "imp.lines": ("工资明细", "Pay lines"),
    "imp.name": ("姓名", "Name"),
    "imp.id": ("身份证", "ID"),
    "imp.gross": ("应发（元）", "Gross (yuan)"),
    "imp.net": ("实发（元）", "Net (yuan)"),
    "imp.confirm": ("确认导入", "Confirm import"),
    "imp.again": ("重新上传", "Upload another file"),
    "imp.done_title": ("工资单已导入", "Pay sheet imported"),
    "imp.done": (
        "已保存 {sheets} 张工资单（{project}，{month}）。",
        "Stored {sheets} pay [[sheets:sheet|sheets]] ({project}, {month}).",
    ),
    "imp.sheet_status.created": ("新建", "new"),
    "imp.sheet_status.replaced": ("替换旧版本", "replaces the earlier version"),
    "imp.sheet_status.unchanged": ("内容未变", "unchanged"),
    "imp.sheet_line": (
        "{team}：{lines} 人，第 {version} 版（{status}）",
        "{team}: {lines} [[lines:line|lines]], version {version} ({status})",
    ),
    "imp.see_pay": ("查看应发与实付", "See declared vs paid"),
    "imp.team": ("班组", "Team"),
}


register(TEXT)
