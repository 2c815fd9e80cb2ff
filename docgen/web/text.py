"""The page's words, in the language the server was started with (the page's JavaScript gets
the same table)."""

from __future__ import annotations

from docgen.i18n import _


def N_(message: str) -> str:
    """Mark a page text for translation; ``page_text`` translates it when the page asks."""
    return message


# The page's language, title and the workspace line.
_HEADING = {
    "lang": N_("zh-CN"),
    "title": N_("docgen · 安全生产公文生成"),
    "subtitle": N_("统计表、名册 → 工作总结、责任书、告知书、承诺书"),
    "workspace": N_("工作目录"),
    "logout": N_("退出登录"),
}

# ① the tallies and rosters dropped in, and their problems.
_FILES = {
    "step_files": N_("上传统计表和名册"),
    "files_help": N_(
        "把各村、各单位交回的统计表，以及责任单位、隐患点、学生三种名册一起拖到下面。"
        "每个文件上传后立即检查，问题会指明工作表和单元格。"
    ),
    "drop": N_("把 .xlsx 文件拖到这里，或点击选择文件（可多选）"),
    "drop_hint": N_("统计表放入统计表文件夹；名册按表头识别，放到 docgen.toml 指定的位置"),
    "uploading": N_("正在上传并检查……"),
    "tallies": N_("统计表"),
    "rosters": N_("名册"),
    "kind_tally": N_("统计表"),
    "kind_units": N_("责任单位名册"),
    "kind_hazards": N_("隐患点名册"),
    "kind_students": N_("学生名册"),
    "kind_template": N_("模板"),
    "no_roster": N_("未上传（这一批文档将跳过）"),
    "no_tallies": N_("还没有统计表"),
    "ok": N_("无问题"),
    "errors_n": N_("{n} 个错误"),
    "warnings_n": N_("{n} 条警告"),
    "replace": N_("替换"),
    "remove": N_("删除"),
    "confirm_remove": N_("从工作目录中删除 {name}？"),
    "check_summary": N_(
        "统计表 {tallies} 个（{units} 个填报单位），名册 {rosters} 个；"
        "{errors} 个错误，{warnings} 条警告"
    ),
    "other_problems": N_("其他问题"),
    "backups_title": N_("备份：被替换或删除的旧文件（{n} 个）"),
    "backups_help": N_(
        "替换或删除的文件都留有一份备份。点“恢复”放回原处；原处现有的文件会先留作备份，不会丢失。"
    ),
    "backup_replaced": N_("{time} 被替换"),
    "backup_removed": N_("{time} 被删除"),
    "backup_kept": N_("{time} 留存"),
    "backup_unknown_place": N_("不知道原来的位置，不能恢复"),
    "restore": N_("恢复"),
    "restore_label": N_("恢复 {name}（{time}的备份）"),
    "confirm_restore": N_("把 {time} 备份的 {name} 放回原处？"),
    "restored": N_("已恢复 {name}"),
    "restored_kept": N_("已恢复 {name}；原处的文件留作备份：{backup}"),
}

# ② the form that writes docgen.toml.
_SETTINGS = {
    "step_settings": N_("填写发文设置"),
    "settings_help": N_("这些内容写入工作目录的 docgen.toml，文件中的说明文字会保留。"),
    "issuer": N_("发文机关"),
    "issuer_name": N_("发文机关署名"),
    "issuer_short_name": N_("简称"),
    "issuer_recipient": N_("主送机关"),
    "issuer_seal": N_("加盖印章（印章版式）"),
    "summary": N_("工作总结"),
    "summary_title": N_("标题（可分行，每行一行标题）"),
    "summary_kind": N_("文种"),
    "summary_date": N_("成文日期"),
    "summary_years": N_("起止年度"),
    "summary_note": N_("附注"),
    "summary_note_hint": N_("如：（联系人：张三，电话：12345678）；不需要时留空"),
    "header": N_("版头（红头，可选）"),
    "header_mark": N_("发文机关标志"),
    "header_number": N_("发文字号"),
    "header_signer": N_("签发人"),
    "footer": N_("版记（可选）"),
    "footer_cc": N_("抄送机关（用顿号分隔）"),
    "footer_printer": N_("印发机关"),
    "footer_printed": N_("印发日期"),
    "save": N_("保存设置"),
    "saved": N_("已保存到 docgen.toml"),
}

# ③ building every document.
_BUILD = {
    "step_build": N_("生成全部文档"),
    "build_help": N_(
        "依次生成汇总表、工作总结和三批文档（每份一个文件，另有合订本供打印）。"
        "再次生成会替换上一次的结果。"
    ),
    "pdf": N_("同时生成 PDF"),
    "no_soffice": N_("未安装 LibreOffice，不能生成 PDF 和预览"),
    "build": N_("生成全部文档"),
    "building": N_("正在生成"),
    "build_done": N_("已生成 {n} 个文件"),
    "build_failed": N_("生成失败"),
    "download_zip": N_("下载全部（zip）"),
    "files_count": N_("{n} 份"),
    "show_files": N_("逐份查看"),
    "warnings": N_("警告"),
    "notes": N_("提示"),
}

# ④ the summary's first page and where its figures come from.
_PREVIEW = {
    "step_preview": N_("预览工作总结第 1 页"),
    "preview_none": N_("生成后在这里显示工作总结的第 1 页。"),
    "sources_title": N_("工作总结中每个数字的来源（数据来源）"),
    "sources_where": N_("位置"),
    "sources_what": N_("内容"),
    "sources_printed": N_("印作"),
    "sources_cells": N_("来自哪些单元格"),
    "sources_loading": N_("正在读取统计表……"),
    "sources_none": N_("还没有可以追溯的数字：请先放入统计表。"),
    "preview_loading": N_("正在排版预览……"),
}

# ⑥ hand-typed drafts laid out to GB/T 9704.
_DRAFTS = {
    "step_format": N_("排版手工录入的文稿"),
    "format_help": N_(
        "把在 WPS 或 Word 中录入的通知、报告拖到下面，按 GB/T 9704 排版后下载；"
        "文字不会改动，只把中文里的半角括号、冒号改为全角，删去用作缩进的空格。"
    ),
    "format_drop": N_("把 .docx 文稿拖到这里，或点击选择文件"),
    "formatting": N_("正在排版……"),
    "format_done": N_("已排版：{name}"),
    "format_download": N_("下载排好的文稿"),
    "format_recognised": N_("识别出"),
    "format_changes": N_("文字改动"),
    "format_no_changes": N_("文字没有改动"),
    "format_draft_lint": N_("原稿有 {n} 处不符合 GB/T 9704"),
    "format_clean": N_("排版后检查通过：未发现不符合 GB/T 9704 之处"),
    "format_left": N_("排版后仍有 {n} 处不符合 GB/T 9704，请手工处理"),
}

# ⑤ the templates, downloaded and uploaded again.
_TEMPLATES = {
    "step_templates": N_("模板"),
    "templates_help": N_(
        "下载模板，用 Word 或 WPS 修改文字后再上传；上传的模板先与名册核对，变量都有数据才会使用。"
    ),
    "template_file": N_("模板"),
    "template_state": N_("状态"),
    "template_builtin": N_("内置（未修改）"),
    "template_copy": N_("工作目录中的副本"),
    "template_own": N_("自定义模板"),
    "download": N_("下载"),
    "upload_changed": N_("上传修改后的模板"),
    "template_ok": N_("模板已检查并保存：{name}"),
    "tpl_summary": N_("工作总结"),
    "tpl_agreements": N_("安全生产责任书"),
    "tpl_notices": N_("安全告知书"),
    "tpl_letters": N_("安全承诺书"),
}

# 催报, refused files, the demo data, keyboard labels and the build report.
_FOLLOW_UP = {
    "config_broken": N_("docgen.toml 有错误，页面按默认位置列出文件；改正后刷新页面："),
    "demo": N_("演示数据"),
    "demo_help": N_(
        "工作目录里还有 docgen init 放入的演示镇统计表和名册（虚构的村和人名），"
        "与本镇的数据混在一起会算进汇总。开始用本镇的数据前请先清空。"
    ),
    "demo_clear": N_("清空演示数据"),
    "confirm_demo": N_("删除演示用的统计表、名册和照片（本镇上传的文件不受影响）？"),
    "demo_cleared": N_("已清空 {n} 个演示文件"),
    "choose_files": N_("选择文件"),
    "choose_folder": N_("选择整个文件夹"),
    "choose_draft": N_("选择文稿"),
    "reported": N_("已交 {n}/{m}"),
    "all_reported": N_("应报单位都已交回统计表"),
    "missing_units": N_("未交：{names}"),
    "no_expected": N_("还没有填写须报送的单位（设置 → 催报），填写后这里会列出未交的单位"),
    "copy_missing": N_("复制未交名单"),
    "copied": N_("已复制，可粘贴到工作群"),
    "missing_message": N_("以下单位还没有交回统计表，请尽快报送：{names}"),
    "refused_title": N_("未收下的文件（改正后重新上传；看过后可关闭）"),
    "dismiss": N_("关闭"),
    "unit_of_file": N_("填报单位：{units}"),
    "refused_n": N_("{n} 个文件未收下"),
    "dismiss_label": N_("关闭关于 {name} 的提示"),
    "remove_label": N_("删除 {name}"),
    "replace_label": N_("替换 {name}"),
    "replace_confirm": N_("用 {original} 替换 {name}"),
    "replaced": N_("已替换 {name}，旧文件留作备份：{backup}"),
    "kept_apart": N_("{original} 已存为 {name}（与已有的同名文件分开保存）"),
    "year_from": N_("开始年"),
    "year_to": N_("结束年"),
    "actions": N_("操作"),
    "cancel_build": N_("取消生成"),
    "cancelling": N_("正在取消……"),
    "build_cancelled": N_("已取消"),
    "skip_to_build": N_("跳到“生成全部文档”"),
    "finished_at": N_("完成于 {time}"),
    "report_missing": N_("这次汇总缺少 {n} 个单位的统计表：{names}"),
    "report_refused": N_("这些文件未收下，没有计入：{names}"),
    "errors_block": N_("有 {n} 个错误，改正后才能生成"),
    "ready": N_("可以生成"),
}

# Logging in from another computer.
_LOGIN = {
    "login": N_("登录"),
    "password": N_("密码"),
    "login_help": N_("这个网页可以从其他电脑访问，请输入启动 docgen serve 时设定的密码。"),
    "login_failed": N_("密码不对，请重试"),
    "network_error": N_("无法连接 docgen，请确认 docgen serve 仍在运行"),
}

_GROUPS = (_HEADING, _FILES, _SETTINGS, _BUILD, _PREVIEW, _DRAFTS, _TEMPLATES, _FOLLOW_UP, _LOGIN)


def page_text() -> dict[str, str]:
    """Every text of the page by its key, in the server's language."""
    return {key: _(text) for group in _GROUPS for key, text in group.items()}
