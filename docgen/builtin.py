"""The four built-in templates, made in code with the GB/T 9704 layout of ``docgen.official``.

They are ordinary docxtpl templates (Chinese variable names, docgen filters): ``docgen init``
writes them into the workspace's ``templates/`` folder, where the secretary may edit them in
Word or WPS; an edited copy there is used instead of the built-in one.

Which figures the summary prints rounded (``约数``: 23 → 20余) and which exact is decided in
the summary template itself, figure by figure, the way the town's own report words them:
counts of patrols and road hazards are round (20余起, 60余人次, 40余次), counts of units,
outlets, points and signed letters are exact (28家, 12个, 943份).

``python -m docgen.builtin DIR`` (re)writes the four files into DIR.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from pathlib import Path

import docx
from docx.document import Document

from docgen import __version__, official
from docgen.files import atomic_path, ensure_writable
from docgen.official import (
    add_annex_label,
    add_attachment_note,
    add_blank,
    add_body,
    add_heading,
    add_paragraph,
    add_recipient,
    add_signature,
    add_table,
    add_title,
    apply_official_layout,
)

TEMPLATES: dict[str, str] = {
    "summary": "工作总结.docx",
    "agreements": "安全生产责任书.docx",
    "notices": "安全告知书.docx",
    "letters": "安全承诺书.docx",
}

# Printed widths (in characters) the signature block is laid out for: ``XX镇人民政府`` and
# ``2022年12月20日``.
_ISSUER_WIDTH = 7
_DATE_WIDTH = 7


def _tag(doc: Document, tag: str) -> None:
    """A paragraph holding only a ``{%p … %}`` tag (the whole paragraph is replaced)."""
    add_body(doc, "{%p " + tag + " %}")


# --- 工作总结 -------------------------------------------------------------------------------

# Each sector's subsection: (sector, heading, paragraphs).  A clause is printed only when its
# figure is non-zero; every clause ends with "，" and a fixed phrase closes the sentence, so any
# combination reads well.
_SECTOR_TEXT: list[tuple[str, str, list[str]]] = [
    (
        "道路交通安全",
        "道路交通安全整治",
        [
            "由镇乡村振兴办公室牵头，把两轮、三轮摩托车违规载人和面包车非法营运作为整治重点，"
            "对急弯陡坡、临水临崖等重点路段逐段排查，会同公安交警、运管部门开展路面执法和文明劝导，"
            "督促学校上好交通安全课。"
            "{% if 道路交通安全.检查次数 %}共开展路面检查{{ 道路交通安全.检查次数|约数 }}次，{% endif %}"
            "{% if 道路交通安全.排查隐患 %}排查整治一般隐患{{ 道路交通安全.排查隐患|约数 }}起，{% endif %}"
            "{% if 道路交通安全.查处违章 %}整治违章行为{{ 道路交通安全.查处违章|约数 }}人次，{% endif %}"
            "道路通行秩序持续向好。",
        ],
    ),
    (
        "消防安全",
        "消防安全整治",
        [
            "针对部分老旧房屋失修、电气线路老化、火灾风险偏高的实际，督促学校、卫生院、餐饮店、"
            "银行网点、农贸市场、燃气和烟花爆竹经营场所等重点单位及经营户、居民户按要求配齐灭火器材；"
            "明确辖区重点防火单位的主体责任，推动社区制定防火公约，层层压实消防责任。"
            "{% if 消防安全.检查次数 %}共检查单位{{ 消防安全.检查次数|约数 }}次，{% endif %}"
            "{% if 消防安全.排查隐患 %}排查整治一般火灾隐患{{ 消防安全.排查隐患 }}处，{% endif %}"
            "{% if 消防安全.查处违章 %}纠正违规用火用电行为{{ 消防安全.查处违章 }}起，{% endif %}"
            "群防群治的消防工作格局基本形成。",
        ],
    ),
    (
        "危险化学品和烟花爆竹",
        "危险化学品和烟花爆竹",
        [
            "以烟花爆竹、加油站和液化气为重点，"
            "{% if 烟花爆竹经营点 or 液化气经营点 %}对辖区内"
            "{% if 烟花爆竹经营点 %}{{ 烟花爆竹经营点 }}个烟花爆竹经营点{% endif %}"
            "{% if 烟花爆竹经营点 and 液化气经营点 %}、{% endif %}"
            "{% if 液化气经营点 %}{{ 液化气经营点 }}个液化气经营点{% endif %}"
            "{% else %}对辖区内危险化学品和烟花爆竹经营单位{% endif %}"
            "的经营资质、警示标志、消防设施、物品存放和安全通道开展不定期全面检查，"
            "发现不规范行为当场纠正。"
            "{% if 危险化学品和烟花爆竹.检查次数 %}共检查单位{{ 危险化学品和烟花爆竹.检查次数|约数 }}次，{% endif %}"
            "{% if 危险化学品和烟花爆竹.排查隐患 %}排查整治一般安全隐患{{ 危险化学品和烟花爆竹.排查隐患 }}处，{% endif %}"
            "经营秩序总体平稳。",
        ],
    ),
    (
        "地质灾害预防",
        "地质灾害预防",
        [
            "汛期重点巡查"
            "{% if 地质灾害点 %}{{ 地质灾害点 }}个地质灾害点、{% endif %}"
            "{% if 山洪灾害点 %}{{ 山洪灾害点 }}处山洪灾害隐患点、{% endif %}"
            "{% if 水库 %}{{ 水库 }}个小（2）型以上水库、{% endif %}"
            "公路沿线和桥梁等部位，逐点落实监测责任人并开展业务培训，隐患点设立警示标志，"
            "向受威胁群众发放安全告知书，讲清预警信号、避险路线和避险场所。"
            "{% if 地质灾害预防.检查次数 %}共开展巡查{{ 地质灾害预防.检查次数 }}次，{% endif %}"
            "{% if 地质灾害预防.排查隐患 %}排查整治隐患{{ 地质灾害预防.排查隐患 }}处，{% endif %}"
            "群测群防体系有效运行。",
        ],
    ),
    (
        "建筑施工",
        "建筑施工",
        [
            "与辖区施工单位逐一签订安全生产责任书，紧盯施工现场管理，严查违章指挥、违章作业、"
            "违反劳动纪律“三违”行为，同时加强农村自建房安全巡查。"
            "{% if 建筑施工.检查次数 %}共检查单位{{ 建筑施工.检查次数 }}家，{% endif %}"
            "{% if 建筑施工.排查隐患 %}排查整治一般安全隐患{{ 建筑施工.排查隐患 }}处，{% endif %}"
            "施工安全管理进一步规范。",
        ],
    ),
    (
        "森林防火",
        "森林防火",
        [
            "在高温干旱等关键时段对林区开展拉网式巡查，配合区林业主管部门从严查处违规野外用火，"
            "借助会议、广播等渠道宣传防火知识。"
            "{% if 森林防火.检查次数 %}共开展巡查{{ 森林防火.检查次数 }}次，{% endif %}"
            "{% if 森林防火.排查隐患 %}排查整治火险隐患{{ 森林防火.排查隐患 }}处，{% endif %}"
            "{% if 森林火灾 %}辖区内发生森林火灾{{ 森林火灾 }}起，均得到及时处置。"
            "{% else %}辖区内无一起森林火灾发生。{% endif %}",
        ],
    ),
    (
        "校园及周边环境",
        "校园及周边环境",
        [
            "每逢假期前，学校组织学生家长签订安全承诺书，村（社区）通过广播开展假期安全提醒，"
            "从思想认识、安全教育、目标管理、督促检查和问题整改五个方面抓实校园安全。"
            "{% if 签订承诺书 %}共签订安全承诺书{{ 签订承诺书 }}份，{% endif %}"
            "{% if 检查校车 %}检查校车{{ 检查校车 }}车次，{% endif %}"
            "{% if 校园及周边环境.排查隐患 %}排查整治隐患{{ 校园及周边环境.排查隐患 }}处，{% endif %}"
            "校园及周边安全环境持续改善。",
        ],
    ),
    (
        "食品药品安全",
        "食品药品安全",
        [
            "围绕场镇餐馆、农村集体聚餐、食品经营户、零售药店、卫生院药房和村（社区）卫生室，"
            "开展定期检查、随机抽查和专项整治。"
            "{% if 食品药品安全.检查次数 %}共检查单位{{ 食品药品安全.检查次数 }}家，{% endif %}"
            "{% if 食品药品安全.排查隐患 %}查出一般隐患{{ 食品药品安全.排查隐患 }}起，{% endif %}"
            "{% if 食品药品安全.整改隐患 %}整改完成{{ 食品药品安全.整改隐患 }}起，{% endif %}"
            "食品药品安全风险得到有效防控。",
        ],
    ),
]

_FIGURE_COLUMNS = [
    "检查次数\n（次）",
    "排查隐患\n（处）",
    "整改隐患\n（处）",
    "整改率",
    "查处违章\n（人次）",
]
_FIGURE_WIDTHS = [1240, 1240, 1240, 1165, 1240]
_ANNEX_WIDTHS = [official.TEXT_WIDTH - sum(_FIGURE_WIDTHS), *_FIGURE_WIDTHS]


def _annex_table(doc: Document, columns: list[str], rows: str, first: str) -> None:
    loop_var = "r"
    add_table(
        doc,
        columns,
        [
            ["{%tr for " + loop_var + " in " + rows + " %}"],
            [
                "{{ r." + first + " }}",
                "{{ r.检查次数 }}",
                "{{ r.排查隐患 }}",
                "{{ r.整改隐患 }}",
                "{{ r.整改率 }}",
                "{{ r.查处违章 }}",
            ],
            ["{%tr endfor %}"],
        ],
        widths=_ANNEX_WIDTHS,
    )


def build_summary(issuer_width: float = _ISSUER_WIDTH) -> Document:
    doc = apply_official_layout(docx.Document())
    add_title(doc, "{{ 标题 }}")
    add_recipient(doc, "{{ 主送机关 }}：")
    add_body(
        doc,
        "{% if 起止年度 %}{{ 起止年度 }}，{% endif %}"
        "按照上级关于安全生产专项整治三年行动的部署，我{{ 本级 }}坚持“安全第一、预防为主、综合治理”方针，"
        "落实“党政同责、一岗双责、齐抓共管、失职追责”要求，以查风险、除隐患、防事故为主线，"
        "组织各村（社区）和企事业单位全面自查自改，镇安委会采取定期检查与随机抽查相结合的方式跟进督导，"
        "重点行业领域安全状况持续好转。现将工作情况报告如下。",
    )

    add_heading(doc, "一、强化组织领导，压实安全生产责任", 1)
    add_body(
        doc,
        "{{ 简称 }}党委、政府把安全生产摆在突出位置。一是健全组织机构，成立专项整治工作领导小组，"
        "制定三年行动实施方案并印发各村（社区）和镇属部门，明确任务分工和完成时限。"
        "二是完善应急管理体系，修订各类应急预案，加强与上级部门的沟通会商，做到责任、人员、措施三落实。"
        "三是压实主体责任，"
        "{% if 签订责任书 %}与{{ 签订责任书 }}家单位签订安全生产责任书，{% endif %}"
        "组织道路交通、建筑施工、危险化学品、烟花爆竹、食品药品、森林防火和人员密集场所等重点行业领域"
        "负责人作出安全承诺。",
    )
    add_body(
        doc,
        "同时，综合运用会议、村广播、赶场日宣传、LED显示屏和横幅标语等形式开展安全宣传，"
        "{% if 发放宣传册 %}发放安全宣传册{{ 发放宣传册 }}份，{% endif %}"
        "{% if 推送微信 %}推送安全微信{{ 推送微信|约数 }}条，{% endif %}"
        "{% if 显示屏播放 %}在显示屏滚动播放安全提示{{ 显示屏播放|约数 }}条，{% endif %}"
        "营造了人人关注安全、处处重视安全的良好氛围。",
    )

    add_heading(doc, "二、聚焦重点领域，深入开展专项整治", 1)
    add_body(
        doc,
        "结合{{ 简称 }}实际，围绕以下{{ 领域数|中文数字 }}个重点领域开展安全检查和集中整治，"
        "{% if 合计.检查次数 %}共开展检查{{ 合计.检查次数 }}次，{% endif %}"
        "{% if 合计.排查隐患 %}排查一般隐患{{ 合计.排查隐患 }}处，已整改{{ 合计.整改隐患 }}处，"
        "整改率{{ 合计.整改率 }}，{% endif %}"
        "各领域情况如下。",
    )
    for sector, heading, paragraphs in _SECTOR_TEXT:
        _tag(doc, f"if {sector}.序号")
        add_heading(doc, "{{ " + sector + ".序号 }}" + heading, 2)
        for text in paragraphs:
            add_body(doc, text)
        _tag(doc, "endif")

    add_heading(doc, "三、下一步工作打算", 1)
    add_body(
        doc,
        "三年行动取得了阶段性成效，但部分村（社区）和企业的安全意识仍需提高，隐患整改还有反复。"
        "下一步，我{{ 本级 }}将按照上级安委会的部署和年度检查计划，持续抓好以下工作：一是健全部门联动机制，"
        "把安全责任落实到岗、到人；二是坚持隐患排查整改闭环管理，对查出的问题逐条跟踪、限期销号；"
        "三是常态化开展安全宣传和应急演练，提升群众自救互救能力。坚决遏制较大及以上安全事故，"
        "为全{{ 本级 }}经济社会发展营造稳定的安全环境。",
    )

    add_attachment_note(doc, ["分领域隐患排查整治情况统计表", "各填报单位情况统计表"])
    add_signature(
        doc,
        "{{ 发文机关 }}",
        "{{ 成文日期|日期 }}",
        issuer_width=issuer_width,
        date_width=_DATE_WIDTH,
    )

    add_annex_label(doc, "附件1")
    add_blank(doc)
    add_title(doc, "分领域隐患排查整治情况统计表", blank_after=False)
    add_blank(doc)
    _annex_table(doc, ["领域", *_FIGURE_COLUMNS], "分领域", "领域")

    add_annex_label(doc, "附件2")
    add_blank(doc)
    add_title(doc, "各填报单位情况统计表", blank_after=False)
    add_blank(doc)
    _annex_table(doc, ["填报单位", *_FIGURE_COLUMNS], "分单位", "填报单位")
    return doc


# --- 安全生产责任书 -------------------------------------------------------------------------

_AGREEMENT_CLAUSES: dict[str, str] = {
    "道路交通安全": "加强驾驶人和车辆管理，不使用报废、拼装和无牌无证车辆，严禁超载、超速、疲劳驾驶和酒后驾驶，"
    "严禁面包车、农用车和摩托车非法载客。",
    "消防安全": "按规定配齐并定期检查灭火器材，保持疏散通道和安全出口畅通，规范用火用电，严禁私拉乱接电线，"
    "每年至少组织一次消防演练。",
    "危险化学品和烟花爆竹": "依法取得经营（储存）许可，烟花爆竹库房和零售点限量存放、专人看管，严禁在居住场所储存和超范围经营；"
    "设置警示标志，配齐消防器材，建立进销台账。",
    "地质灾害预防": "落实隐患点监测责任人，汛期加密巡查，发现险情立即发出预警并组织群众撤离；"
    "工程建设不得随意切坡、堆渣。",
    "建筑施工": "严格施工现场安全管理，特种作业人员持证上岗，严查违章指挥、违章作业、违反劳动纪律“三违”行为；"
    "高处作业、临时用电、起重机械和脚手架等危险部位必须落实防护措施。",
    "森林防火": "落实林区防火责任，防火期内严禁野外用火，加强巡山护林和火源管控，配备扑火工具，"
    "发现火情立即报告并组织扑救。",
    "校园及周边环境": "落实门卫值守和校舍、设施安全检查制度，管好校车和接送车辆，开展防溺水、交通、消防安全教育和疏散演练，"
    "放假前与家长签订安全承诺书。",
    "食品药品安全": "依法取得经营许可，从业人员持健康证明上岗，落实进货查验和索证索票制度，"
    "不采购、不销售过期变质和来源不明的食品药品，农村集体聚餐按规定报备。",
}
_AGREEMENT_FALLBACK = (
    "结合本单位生产经营特点辨识安全风险，制定并落实防范措施，重点部位、关键岗位明确专人负责。"
)


def build_agreement() -> Document:
    doc = apply_official_layout(docx.Document())
    add_title(doc, "安全生产责任书")
    add_paragraph(doc, "甲方：{{ 甲方 }}", official.RECIPIENT)
    add_paragraph(doc, "乙方：{{ 单位名称 }}（负责人：{{ 负责人 }}）", official.RECIPIENT)
    add_body(
        doc,
        "为落实《中华人民共和国安全生产法》和安全生产责任制，防范和遏制生产安全事故，"
        "经甲乙双方协商，签订本责任书。",
    )
    add_heading(doc, "一、甲方责任", 1)
    add_body(
        doc,
        "宣传安全生产法律法规和上级部署，对乙方开展安全检查和业务指导，督促乙方整改隐患，"
        "及时通报安全生产形势和预警信息。",
    )
    add_heading(doc, "二、乙方责任", 1)
    add_body(
        doc,
        "1.乙方主要负责人是本单位安全生产第一责任人，建立全员安全生产责任制，保障安全投入，"
        "从业人员经安全培训后上岗。",
    )
    add_body(
        doc,
        "2.定期开展隐患自查，建立隐患台账，做到整改措施、责任、资金、时限和预案“五落实”；"
        "制定应急预案并组织演练，发生事故立即报告，不得迟报、漏报、谎报、瞒报。",
    )
    add_body(doc, "3.行业领域要求：")
    for sector, clause in _AGREEMENT_CLAUSES.items():
        _tag(doc, f'if 领域 == "{sector}"')
        add_body(doc, clause)
        _tag(doc, "endif")
    _tag(doc, "if not 领域")
    add_body(doc, _AGREEMENT_FALLBACK)
    _tag(doc, "endif")
    add_heading(doc, "三、奖惩和期限", 1)
    add_body(
        doc,
        "甲方按本责任书对乙方进行考核；乙方未履行责任导致事故的，依法依规追究责任。"
        "本责任书自签订之日起生效，有效期至{{ 有效期至 }}；一式两份，甲乙双方各执一份。",
    )
    add_blank(doc)
    add_table(
        doc,
        [],
        [
            ["甲方（盖章）：", "乙方（盖章）："],
            ["负责人（签字）：", "负责人（签字）："],
            ["签订日期：{{ 签订日期 }}", "签订日期：{{ 签订日期 }}"],
        ],
        widths=[official.TEXT_WIDTH // 2, official.TEXT_WIDTH - official.TEXT_WIDTH // 2],
        borders=False,
        text_style=official.RECIPIENT,
    )
    return doc


# --- 安全告知书 -----------------------------------------------------------------------------

_NOTICE_ROWS = [
    ("隐患点名称", "{{ 隐患点名称 }}"),
    ("隐患类型", "{{ 类型 }}"),
    ("位置", "{{ 位置 }}"),
    ("威胁对象", "{{ 威胁对象 }}"),
    ("监测责任人", "{{ 监测责任人 }}"),
    ("联系电话", "{{ 联系电话 }}"),
    ("预警信号", "{{ 预警信号 }}"),
    ("避险路线", "{{ 避险路线 }}"),
    ("避险场所", "{{ 避险场所 }}"),
]


def build_notice(issuer_width: float = _ISSUER_WIDTH) -> Document:
    doc = apply_official_layout(docx.Document(), page_numbers=False)
    add_title(doc, "{{ 类型 }}隐患点安全告知书")
    add_body(
        doc,
        "您居住或活动的区域处于下列隐患点的影响范围内。为保护您和家人的生命财产安全，现将有关事项告知如下：",
    )
    label_width = 2200
    add_table(
        doc,
        [],
        [list(row) for row in _NOTICE_ROWS],
        widths=[label_width, official.TEXT_WIDTH - label_width],
        align=["center", "left"],
    )
    add_heading(doc, "请您务必做到：", 1)
    add_body(doc, "1.记住预警信号、避险路线和避险场所；听到预警信号立即按路线撤离，不要返回取物。")
    add_body(
        doc, "2.发现地面开裂、房屋变形、坡体滑动、沟水突然变浑或断流，立即远离并告知监测责任人。"
    )
    add_body(doc, "3.暴雨和连续降雨期间不在隐患点附近停留，险情解除前不得擅自返回。")
    add_signature(
        doc, "{{ 发文机关 }}", "{{ 告知日期 }}", issuer_width=issuer_width, date_width=_DATE_WIDTH
    )
    return doc


# --- 安全承诺书 -----------------------------------------------------------------------------

_LETTER_PROMISES = [
    "防溺水：不让孩子私自下水游泳，不到河边、水库、池塘和沟渠边玩耍。",
    "交通：不乘坐无牌无证、超员车辆，孩子未满12周岁不骑自行车上路、未满16周岁不骑电动车。",
    "防火用电：不让孩子玩火、燃放烟花爆竹，不私拉电线，不靠近高压线和变压器。",
    "饮食：不吃过期变质和“三无”食品，不采食野生菌、野果。",
    "其他：雷雨天远离山坡沟谷和建筑工地；孩子外出须告知去向，按时回家。",
]


def build_letter() -> Document:
    doc = apply_official_layout(docx.Document(), page_numbers=False)
    add_title(doc, "学生假期安全承诺书")
    add_recipient(doc, "{{ 学校 }}：")
    add_body(
        doc,
        "我是{{ 班级 }}学生{{ 学生姓名 }}的家长（监护人）{{ 家长姓名 }}，已知晓假期中监护人对孩子安全负有"
        "第一责任，郑重承诺：",
    )
    for number, promise in enumerate(_LETTER_PROMISES, start=1):
        add_body(doc, f"{number}.{promise}")
    add_blank(doc)
    add_body(doc, "家长签字：　　　　　　　　学生签字：")
    add_body(doc, "联系电话：{{ 联系电话 }}")
    add_paragraph(doc, "年　　月　　日", official.DATE)
    return doc


_BUILDERS = {
    "summary": build_summary,
    "agreements": build_agreement,
    "notices": build_notice,
    "letters": build_letter,
}


# Built-in kinds whose signature block is placed for the issuer's name (GB/T 9704 7.3.5.2).
_SIGNED = ("summary", "notices")


def build_template(kind: str, issuer: str | None = None) -> Document:
    """The built-in template of ``kind`` (one of ``TEMPLATES``) as a python-docx Document.

    With ``issuer`` (发文机关署名) the signature and date are placed for that name; without,
    for a name of 7 characters such as ``XX镇人民政府``.
    """
    try:
        builder = _BUILDERS[kind]
    except KeyError:
        raise ValueError(f"unknown template kind {kind!r}; known: {', '.join(TEMPLATES)}") from None
    if issuer and kind in _SIGNED:
        return builder(issuer_width=official.text_width(issuer))
    return builder()


def write_templates(directory: Path, force: bool = False, issuer: str | None = None) -> list[Path]:
    """Write the four templates into ``directory``; existing files need ``force``."""
    directory = Path(directory)
    paths = [directory / name for name in TEMPLATES.values()]
    ensure_writable(paths, force)
    directory.mkdir(parents=True, exist_ok=True)
    for kind, path in zip(TEMPLATES, paths, strict=True):
        with atomic_path(path) as tmp:
            build_template(kind, issuer).save(str(tmp))
    return paths


def _cache_dir() -> Path:
    """A folder for on-demand built-in templates, keyed by the code that makes them."""
    digest = hashlib.sha256(__version__.encode())
    for source in (Path(__file__), Path(official.__file__)):
        digest.update(source.read_bytes())
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    for root in (Path(base), Path(tempfile.gettempdir())):
        folder = root / "docgen" / f"templates-{digest.hexdigest()[:12]}"
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(folder, os.W_OK):
            return folder
    raise OSError("no writable cache folder for built-in templates")


def builtin_template_path(
    kind: str, templates_dir: Path | None = None, issuer: str | None = None
) -> Path:
    """The template file to use for ``kind``: the workspace's copy in ``templates_dir`` when
    there is one (the secretary may have edited it), else the built-in one, written on demand
    into a cache folder."""
    if kind not in TEMPLATES:
        raise ValueError(f"unknown template kind {kind!r}; known: {', '.join(TEMPLATES)}")
    name = TEMPLATES[kind]
    if templates_dir is not None:
        candidate = Path(templates_dir) / name
        if candidate.is_file():
            return candidate
    width = official.text_width(issuer) if issuer and kind in _SIGNED else _ISSUER_WIDTH
    path = _cache_dir() / f"signature-{width:g}" / name
    if not path.is_file():
        with atomic_path(path) as tmp:
            build_template(kind, issuer).save(str(tmp))
    return path


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    directory = Path(args[0]) if args else Path("templates")
    write_templates(directory, force=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
