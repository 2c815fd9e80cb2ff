"""The page's words, in the language the server was started with (the page's JavaScript gets
the same table)."""

from __future__ import annotations

from docgen.i18n import _


def page_text() -> dict[str, str]:
    return {
        "lang": _("zh-CN"),
        "title": _("docgen · 安全生产公文生成"),
        "subtitle": _("统计表、名册 → 工作总结、责任书、告知书、承诺书"),
        "workspace": _("工作目录"),
        "logout": _("退出登录"),
        # ① files
        "step_files": _("上传统计表和名册"),
        "files_help": _(
            "把各村、各单位交回的统计表，以及责任单位、隐患点、学生三种名册一起拖到下面。"
            "每个文件上传后立即检查，问题会指明工作表和单元格。"
        ),
        "drop": _("把 .xlsx 文件拖到这里，或点击选择文件（可多选）"),
        "drop_hint": _("统计表放入统计表文件夹；名册按表头识别，放到 docgen.toml 指定的位置"),
        "uploading": _("正在上传并检查……"),
        "tallies": _("统计表"),
        "rosters": _("名册"),
        "kind_tally": _("统计表"),
        "kind_units": _("责任单位名册"),
        "kind_hazards": _("隐患点名册"),
        "kind_students": _("学生名册"),
        "kind_template": _("模板"),
        "no_roster": _("未上传（这一批文档将跳过）"),
        "no_tallies": _("还没有统计表"),
        "ok": _("无问题"),
        "errors_n": _("{n} 个错误"),
        "warnings_n": _("{n} 条警告"),
        "replace": _("替换"),
        "remove": _("删除"),
        "confirm_remove": _("从工作目录中删除 {name}？"),
        "check_summary": _(
            "统计表 {tallies} 个（{units} 个填报单位），名册 {rosters} 个；"
            "{errors} 个错误，{warnings} 条警告"
        ),
        "other_problems": _("其他问题"),
        # ② settings
        "step_settings": _("填写发文设置"),
        "settings_help": _("这些内容写入工作目录的 docgen.toml，文件中的说明文字会保留。"),
        "issuer": _("发文机关"),
        "issuer_name": _("发文机关署名"),
        "issuer_short_name": _("简称"),
        "issuer_recipient": _("主送机关"),
        "issuer_seal": _("加盖印章（印章版式）"),
        "summary": _("工作总结"),
        "summary_title": _("标题（可分行，每行一行标题）"),
        "summary_kind": _("文种"),
        "summary_date": _("成文日期"),
        "summary_years": _("起止年度"),
        "summary_note": _("附注"),
        "summary_note_hint": _("如：（联系人：张三，电话：12345678）；不需要时留空"),
        "header": _("版头（红头，可选）"),
        "header_mark": _("发文机关标志"),
        "header_number": _("发文字号"),
        "header_signer": _("签发人"),
        "footer": _("版记（可选）"),
        "footer_cc": _("抄送机关（用顿号分隔）"),
        "footer_printer": _("印发机关"),
        "footer_printed": _("印发日期"),
        "save": _("保存设置"),
        "saved": _("已保存到 docgen.toml"),
        # ③ build
        "step_build": _("生成全部文档"),
        "build_help": _(
            "依次生成汇总表、工作总结和三批文档（每份一个文件，另有合订本供打印）。"
            "再次生成会替换上一次的结果。"
        ),
        "pdf": _("同时生成 PDF"),
        "no_soffice": _("未安装 LibreOffice，不能生成 PDF 和预览"),
        "build": _("生成全部文档"),
        "building": _("正在生成"),
        "build_done": _("已生成 {n} 个文件"),
        "build_failed": _("生成失败"),
        "download_zip": _("下载全部（zip）"),
        "files_count": _("{n} 份"),
        "show_files": _("逐份查看"),
        "warnings": _("警告"),
        "notes": _("提示"),
        # ④ preview
        "step_preview": _("预览工作总结第 1 页"),
        "preview_none": _("生成后在这里显示工作总结的第 1 页。"),
        "sources_title": _("工作总结中每个数字的来源（数据来源）"),
        "sources_where": _("位置"),
        "sources_what": _("内容"),
        "sources_printed": _("印作"),
        "sources_cells": _("来自哪些单元格"),
        "sources_loading": _("正在读取统计表……"),
        "sources_none": _("还没有可以追溯的数字：请先放入统计表。"),
        "preview_loading": _("正在排版预览……"),
        # ⑤ templates
        # ⑥ hand-typed drafts
        "step_format": _("排版手工录入的文稿"),
        "format_help": _(
            "把在 WPS 或 Word 中录入的通知、报告拖到下面，按 GB/T 9704 排版后下载；"
            "文字不会改动，只把中文里的半角括号、冒号改为全角，删去用作缩进的空格。"
        ),
        "format_drop": _("把 .docx 文稿拖到这里，或点击选择文件"),
        "formatting": _("正在排版……"),
        "format_done": _("已排版：{name}"),
        "format_download": _("下载排好的文稿"),
        "format_recognised": _("识别出"),
        "format_changes": _("文字改动"),
        "format_no_changes": _("文字没有改动"),
        "format_draft_lint": _("原稿有 {n} 处不符合 GB/T 9704"),
        "format_clean": _("排版后检查通过：未发现不符合 GB/T 9704 之处"),
        "format_left": _("排版后仍有 {n} 处不符合 GB/T 9704，请手工处理"),
        "step_templates": _("模板"),
        "templates_help": _(
            "下载模板，用 Word 或 WPS 修改文字后再上传；上传的模板先与名册核对，"
            "变量都有数据才会使用。"
        ),
        "template_file": _("模板"),
        "template_state": _("状态"),
        "template_builtin": _("内置（未修改）"),
        "template_copy": _("工作目录中的副本"),
        "template_own": _("自定义模板"),
        "download": _("下载"),
        "upload_changed": _("上传修改后的模板"),
        "template_ok": _("模板已检查并保存：{name}"),
        "tpl_summary": _("工作总结"),
        "tpl_agreements": _("安全生产责任书"),
        "tpl_notices": _("安全告知书"),
        "tpl_letters": _("安全承诺书"),
        # 催报, refusals, demo data, keyboard
        "config_broken": _("docgen.toml 有错误，页面按默认位置列出文件；改正后刷新页面："),
        "demo": _("演示数据"),
        "demo_help": _(
            "工作目录里还有 docgen init 放入的演示镇统计表和名册（虚构的村和人名），"
            "与本镇的数据混在一起会算进汇总。开始用本镇的数据前请先清空。"
        ),
        "demo_clear": _("清空演示数据"),
        "confirm_demo": _("删除演示用的统计表、名册和照片（本镇上传的文件不受影响）？"),
        "demo_cleared": _("已清空 {n} 个演示文件"),
        "choose_files": _("选择文件"),
        "choose_folder": _("选择整个文件夹"),
        "choose_draft": _("选择文稿"),
        "reported": _("已交 {n}/{m}"),
        "all_reported": _("应报单位都已交回统计表"),
        "missing_units": _("未交：{names}"),
        "no_expected": _("还没有填写须报送的单位（设置 → 催报），填写后这里会列出未交的单位"),
        "copy_missing": _("复制未交名单"),
        "copied": _("已复制，可粘贴到工作群"),
        "missing_message": _("以下单位还没有交回统计表，请尽快报送：{names}"),
        "refused_title": _("未收下的文件（改正后重新上传；看过后可关闭）"),
        "dismiss": _("关闭"),
        "unit_of_file": _("填报单位：{units}"),
        "refused_n": _("{n} 个文件未收下"),
        "dismiss_label": _("关闭关于 {name} 的提示"),
        "remove_label": _("删除 {name}"),
        "replace_label": _("替换 {name}"),
        "replace_confirm": _("用 {original} 替换 {name}"),
        "replaced": _("已替换 {name}，旧文件留作备份：{backup}"),
        "kept_apart": _("{original} 已存为 {name}（与已有的同名文件分开保存）"),
        "year_from": _("开始年"),
        "year_to": _("结束年"),
        "actions": _("操作"),
        "cancel_build": _("取消生成"),
        "cancelling": _("正在取消……"),
        "build_cancelled": _("已取消"),
        "skip_to_build": _("跳到“生成全部文档”"),
        "finished_at": _("完成于 {time}"),
        "report_missing": _("这次汇总缺少 {n} 个单位的统计表：{names}"),
        "report_refused": _("这些文件未收下，没有计入：{names}"),
        "errors_block": _("有 {n} 个错误，改正后才能生成"),
        "ready": _("可以生成"),
        # login
        "login": _("登录"),
        "password": _("密码"),
        "login_help": _("这个网页可以从其他电脑访问，请输入启动 docgen serve 时设定的密码。"),
        "login_failed": _("密码不对，请重试"),
        "network_error": _("无法连接 docgen，请确认 docgen serve 仍在运行"),
    }
