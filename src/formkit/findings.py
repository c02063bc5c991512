"""The one catalogue of finding codes, and the Finding record.

A finding names the place (sheet, cell), the field, the value and says in Chinese how to fix it.
Every code used anywhere in formkit is declared here, with its severity and message template.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field

ERROR = "error"
WARNING = "warning"
INFO = "info"

SEVERITY_ZH = {ERROR: "错误", WARNING: "提醒", INFO: "说明"}


@dataclass(frozen=True)
class Code:
    slug: str
    severity: str
    title: str
    template: str


CODES: dict[str, Code] = {}


def _code(slug: str, severity: str, title: str, template: str) -> str:
    CODES[slug] = Code(slug, severity, title, template)
    return slug


# -- the file as a whole (an input with one of these is rejected) -------------------------------
FILE_EMPTY = _code("file-empty", ERROR, "空文件", "文件是空的（0 字节），请重新导出表单后发送。")
FILE_UNKNOWN_FORMAT = _code(
    "file-unknown-format", ERROR, "不是可读取的工作簿",
    "文件不是可以读取的 Excel/WPS 工作簿（{detail}），没有作为表单读取；如果这是要报送的表，请发送 .xlsx 格式的表单（用下发的表单"
    "填写，或把它另存为 .xlsx）。")
FILE_CORRUPT = _code(
    "file-corrupt", ERROR, "文件已损坏",
    "文件已损坏，无法打开（{detail}）；请重新保存为 .xlsx 后再发送。")
FILE_ENCRYPTED = _code(
    "file-encrypted", ERROR, "文件设有密码",
    "工作簿设有打开密码，无法读取；请在 Excel/WPS 中取消密码（文件→信息→保护工作簿→用密码进行加密，清空密码；LibreOffice："
    "文件→另存为，不勾选“使用密码保存”）后重新发送。")
FILE_UNSAFE = _code(
    "file-unsafe", ERROR, "文件结构异常",
    "文件结构异常，出于安全原因未读取（{detail}）；请重新导出表单后发送。")
FILE_TOO_LARGE = _code(
    "file-too-large", ERROR, "文件过大",
    "文件过大（{detail}），超出正常表单的范围；请删去多余的内容（表格外很远处误填的文字、拖动填充出的大量行、"
    "不需要的工作表或附件）后重新发送。")
FILE_READ_FAILED = _code(
    "file-read-failed", ERROR, "读取失败",
    "读取文件时程序异常中止（{detail}），该文件未处理；请另存为新的 .xlsx 后重新发送。")
INBOX_UNREADABLE = _code(
    "inbox-unreadable", ERROR, "收件箱中无法打开",
    "收件箱中的“{value}”无法打开（{detail}），没有处理；处理后重新运行 merge。")
FILE_IS_OUTPUT = _code(
    "file-is-output", ERROR, "汇总结果文件",
    "这是 formkit 写出的{detail}，不是各部门报回的表单，没有汇总；如它在收件箱（inbox/）中，请把它移出。")
FILE_NOT_A_FORM = _code(
    "file-not-a-form", ERROR, "不是本次表单",
    "文件中找不到本次廉政风险防控的表单（附件1–附件6）；请使用下发的表单模板填写。")
FORM_SHEET_GONE = _code(
    "form-sheet-gone", ERROR, "文件中没有表单工作表",
    "文件中只有“填表说明”，没有《{value}》的表格（表单所在的工作表可能被移到或复制到了另一个工作簿）；请发送填好表的那个文件，"
    "或把填好的工作表移回本文件后再发送。")
FILE_MACROS = _code(
    "file-macros", INFO, "含有宏",
    "文件含有宏（VBA）；formkit 只读取单元格的值，不运行也不保留宏。")
ARCHIVE_UNSAFE_PATH = _code(
    "archive-unsafe-path", ERROR, "压缩包路径不安全",
    "压缩包中的“{value}”使用了绝对路径或“..”，出于安全原因未读取；请把表单直接放在压缩包里重新打包。")
ARCHIVE_TOO_DEEP = _code(
    "archive-too-deep", ERROR, "压缩包嵌套过深",
    "压缩包嵌套层数过多（超过 {detail} 层），未读取；请解压后直接发送表单。")
MAIL_TOO_LARGE = _code(
    "mail-too-large", ERROR, "邮件过大",
    "邮件过大（{detail}），未读取；请只把填好的表单作为附件发送（扫描件、视频等不要一起发送）。")
MAIL_TOO_DEEP = _code(
    "mail-too-deep", ERROR, "转发层数过多",
    "邮件（含压缩包）层层转发、嵌套超过 {detail} 层，未读取；请直接把表单作为附件发送。")
ARCHIVE_EMPTY = _code(
    "archive-empty", ERROR, "压缩包是空的",
    "压缩包中没有任何文件；请把填好的表单放进压缩包后重新发送，或直接把表单作为附件发送。")
ARCHIVE_CORRUPT = _code(
    "archive-corrupt", ERROR, "压缩包已损坏",
    "压缩包已损坏或不完整（{detail}）；请重新打包后发送。")
ARCHIVE_ENCRYPTED = _code(
    "archive-encrypted", ERROR, "压缩包设有密码",
    "压缩包中的文件设有解压密码，无法读取；请不加密码重新打包，或直接发送表单。")
ARCHIVE_UNSUPPORTED = _code(
    "archive-unsupported", ERROR, "压缩包格式无法打开",
    "文件是 {detail} 压缩包，这里只能打开 zip 压缩包；请解压后直接发送其中的表单（.xlsx），或改用 zip 格式重新压缩后发送。")
ARCHIVE_SPLIT = _code(
    "archive-split", ERROR, "分卷压缩包",
    "文件“{value}”是分卷压缩包（一个压缩包分成了几个文件）的一部分，无法单独打开；请不要分卷：把填好的表单（.xlsx）直接作为"
    "附件发送，或压缩成一个 zip 文件后发送。")
MAIL_FILE_UNSUPPORTED = _code(
    "mail-file-unsupported", ERROR, "邮件文件格式无法打开",
    "“{value}”是 Outlook 邮件文件（.msg），formkit 无法直接读取；请在 Outlook 中打开这封邮件，把表单附件另存到 inbox/，"
    "或把邮件另存为 .eml 格式放进 inbox/，然后重新运行 merge。")
MAIL_CORRUPT = _code(
    "mail-corrupt", ERROR, "邮件无法解析",
    "邮件文件无法解析（{detail}）；请直接发送表单附件。")
MAIL_NO_ATTACHMENT = _code(
    "mail-no-attachment", ERROR, "邮件没有附件",
    "邮件“{value}”中没有找到表单附件；请确认附件已添加后重新发送。")
MAIL_ATTACHMENT_LINK = _code(
    "mail-attachment-link", ERROR, "附件是下载链接",
    "邮件“{value}”中的表单是以“超大附件”下载链接发送的，邮件本身没有附件（{detail}）；表单文件很小，请作为普通附件重新发送。")
MAIL_NO_FORM = _code(
    "mail-no-form", ERROR, "邮件附件不是表格",
    "邮件“{value}”的附件（{detail}）不是 Excel 表格，无法汇总；请把填好的表单（.xlsx 文件，不要扫描、拍照或另存为 PDF、Word）"
    "作为附件重新发送。")
MAIL_ATTACHMENT_UNREADABLE = _code(
    "mail-attachment-unreadable", ERROR, "邮件附件无法读取",
    "邮件附件“{value}”是{detail}，无法从中取出表格；请把填好的表格（.xlsx）直接作为附件重新发送。")

# -- identity -------------------------------------------------------------------------------------
IDENTITY_MISSING = _code(
    "identity-missing", INFO, "未找到表单标识",
    "文件中没有找到隐藏的表单标识（可能是复制到了新工作簿），已按标题和表头识别为{value}。")
IDENTITY_MISMATCH = _code(
    "identity-mismatch", WARNING, "表单标识不一致",
    "表单的隐藏标识互相矛盾（{detail}）；已按{value}处理，请使用下发的原始表单填写。")
IDENTITY_CAMPAIGN = _code(
    "identity-campaign", ERROR, "不是本轮表单",
    "该表单属于“{value}”，不是本轮活动（{detail}）的表单，没有汇总；请按本轮的要求核对、更新各项内容（包括填表日期），用本轮下发的"
    "表单报送。")
CAMPAIGN_RENAMED = _code(
    "campaign-renamed", INFO, "活动名称不同",
    "该表单下发时的活动名称为“{value}”，与现在的“{detail}”不同；年份相同，按本轮的表单汇总（formkit.toml 中的活动名称改过）。")
FORM_VERSION = _code(
    "form-version", WARNING, "表单版本较旧",
    "表单版本为 {value}，当前为 {detail}；已尽量读取，今后请使用新下发的表单。")
MULTIPLE_FORMS = _code(
    "multiple-forms", WARNING, "一个文件含多张表单",
    "文件中有多张表单，只读取了工作表“{sheet}”，其余（{detail}）是隐藏的工作表、续表或没有表单的标题和表头，没有读取；隐藏的表如要报送，请取消隐藏"
    "或另存为单独的文件发送。")
FORMS_APART = _code(
    "forms-apart", INFO, "一个文件含多张表单",
    "文件中另有 {value} 张填好的表单（工作表{detail}），已分别作为单独的表单读取、汇总（见这个文件名后加“!工作表名”的各项）。")
SHEET_CONTINUED = _code(
    "sheet-continued", ERROR, "续表未读取",
    "工作表“{sheet}”是同一张表的续表，其中“{value}”这一行没有汇总；请把续表中的各行复制到“{detail}”工作表的表格中"
    "（表格中可以插入行），删去续表后重新发送整个文件。")
SPLIT_VERSIONS = _code(
    "split-versions", ERROR, "一张表分成了几个文件",
    "同一次报送中还有同样的表（{value}），内容各不相同，也看不出哪一份更新：如果是一张表分成了几个文件，请把各行合到"
    "一份表中重新发送（分开发送时后一份会替代前一份）；如果其中一份是旧版，请只发送新的一份。")
VERSIONS_TOGETHER = _code(
    "versions-together", WARNING, "同一次报送中有两份本表",
    "同一次报送中还有这张表的另一份（{value}），两份内容不同，看不出哪一份是最后的版本，已按这一份汇总（一份包含另一份的"
    "全部各行时按行多的一份）；如果另一份才是最后的版本（如有意删去了几行），请只把那一份重新发送。")
MERGES_DAMAGED = _code(
    "merges-damaged", INFO, "合并单元格记录损坏",
    "文件中有的合并单元格记录不是有效的单元格范围（可能是其他程序写坏的），已忽略这些记录后读取；表中内容不受影响。")
SHEET_COPY_SAME = _code(
    "sheet-copy-same", INFO, "文件中有本表的副本",
    "工作表“{value}”与工作表“{sheet}”内容完全相同（复制出来的副本），只汇总一次。")
SHEET_COPIES = _code(
    "sheet-copies", WARNING, "文件中有两张本表",
    "同一文件中还有一张同样的表（工作表“{value}”），两张的内容不同，看不出哪一张是最后的版本（可能是复制出来的备份），已按工作表"
    "“{sheet}”汇总；如果另一张才是最后的版本，请删去不用的那张工作表，然后重新发送整个文件。")
HIDDEN_SHEET_ROWS = _code(
    "hidden-sheet-rows", INFO, "隐藏工作表中的文字",
    "隐藏的工作表“{sheet}”中有 {value} 行文字（如“{detail}”），没有汇总；如果是下拉列表等辅助内容，无需处理；如果其中有要报送的"
    "风险点，请把它们填到表单中后重新发送。")
SHEET_OTHER_CONTENT = _code(
    "sheet-other-content", INFO, "其他工作表中的内容",
    "工作表“{sheet}”中有 {value} 行内容没有汇总（如“{detail}”），不逐行列出；如果是自己的记录等与本次填报无关的内容，无需处理；"
    "如果其中有要报送的风险点，请把它们填到表单中后重新发送。")
SHEET_NOT_READ = _code(
    "sheet-not-read", WARNING, "另一张表未读取",
    "工作表“{sheet}”中“{value}”这一行没有汇总：这张工作表是隐藏的，或没有表单的标题和表头（已读取“{detail}”）；如果它是要报送的表，"
    "请取消隐藏、用下发的表单填写后重新发送，或把它另存为单独的文件发送。")

# -- header block -----------------------------------------------------------------------------------
DEPARTMENT_UNKNOWN = _code(
    "department-unknown", ERROR, "部门不在名册中",
    "部门“{value}”不在本次名册中；请填写名册中的部门全称（如：{detail}）。如果这是部门更名前的名称，请办公室在名册该部门的“简称”列写上它。")
DEPARTMENT_NAME_DIFFERS = _code(
    "department-name-differs", WARNING, "部门名称与下发时不同",
    "表内部门为“{value}”，名册中没有这个部门（也不是记录中这个部门的表单下发时用过的名称）；已按下发的部门“{detail}”汇总。如果这张表是别的部门"
    "填的，请用本部门的表单重新填写；如果部门改了名称，请办公室在名册该部门的“简称”列写上“{value}”。")
DEPARTMENT_MISMATCH = _code(
    "department-mismatch", ERROR, "部门与表单不符",
    "表内部门为“{value}”，但这份表单是下发给“{detail}”的，没有记在“{detail}”名下；如果填的是“{value}”的内容，请用下发给"
    "“{value}”的表单填写后发送；如果确是“{detail}”的表、部门写错了，请转告“{detail}”改正部门名称后发送。")
PERSON_RENAMED = _code(
    "person-renamed", INFO, "名册中的姓名已更正",
    "这份表单下发时的姓名是“{detail}”，名册中同一工号的人员现名“{value}”（名册已更正）；已按“{value}”汇总，无需处理。")
STAFF_NO_CORRECTED = _code(
    "staff-no-corrected", INFO, "名册中的工号已更正",
    "这份表单下发时的工号是 {value}，{detail}；已按名册汇总，无需处理。")
DEPARTMENT_SENDER_ASIDE = _code(
    "department-sender-aside", ERROR, "其他部门用了本部门的表单",
    "这份{detail}的表从文件名和发件邮箱（或填写的部门负责人）看是{value}填写发来的，没有记在{detail}名下。如果是{value}用了"
    "{detail}的表单填写：反馈附件已改为{value}自己的表单并填入了原来的内容，核对后发回即可；如果确是代{detail}报送，请{detail}"
    "自己发送，或由办公室把文件名改为{detail}的名称后放回收件箱。")
DEPARTMENT_RENAMED = _code(
    "department-renamed", INFO, "部门名称与名册不同",
    "表内部门为“{value}”，名册中下发这份表单的部门现名“{detail}”（部门代码相同）；已按“{detail}”汇总。"
    "如部门已更名无需处理，否则请核对部门名称。")
DEPARTMENT_CODE_RETIRED = _code(
    "department-code-retired", INFO, "部门代码已改",
    "本表下发时的部门代码为“{value}”，名册中已没有这个代码；已按表内部门名称归入“{detail}”，风险编号保留原来的代码（不变）。")
DEPARTMENT_MERGED = _code(
    "department-merged", INFO, "部门已合并",
    "本表是下发给原部门（代码“{value}”）的，名册中该部门已并入“{detail}”：本表作为原部门的表单归入“{detail}”汇总，"
    "不替代“{detail}”自己的表单，风险编号保留原来的代码（不变）。")
DEPARTMENT_GONE = _code(
    "department-gone", INFO, "部门已不在名册中",
    "本表是下发给“{value}”的，名册中已没有这个部门；{detail}，风险编号保留原来的代码（不变），无需重报。如果不是这样，请办公室"
    "更正名册（部门并入别的部门时，也可以在接收部门的“简称”列写上“{value}”）。")
DEPARTMENT_REMOVED = _code(
    "department-removed", ERROR, "部门已从名册中删去",
    "本表是下发给“{value}”的，名册中已没有这个部门，也看不出它并入了哪个部门（{detail}）；这需要办公室处理，不必请报送人改动："
    "请在名册中把这个部门加回，或在接收它的部门的“简称”列写上“{value}”，再运行 formkit merge。")
PERSON_MISMATCH = _code(
    "person-mismatch", ERROR, "姓名与表单不符",
    "表内姓名为“{value}”，但这份表单是下发给“{detail}”的；如果就是{detail}本人，请照名册写作“{detail}”，否则请使用本人的表单填写。")
PERSON_NOT_LISTED = _code(
    "person-not-listed", ERROR, "姓名不在名册中",
    "表内姓名为“{value}”，这份表单是下发给“{detail}”的，而“{value}”不在名册的人员名单中：如果{value}是新来的或漏登的教职工，"
    "请告诉办公室，办公室把他/她加入名册后会生成本人的表单；如果就是{detail}本人，请照名册写作“{detail}”。")
ROWS_OF_OTHERS = _code(
    "rows-of-others", ERROR, "他人的风险点",
    "这一行的“{field}”是“{value}”，但本表是{detail}的个人表：个人表只填本人的风险点。请删去这一行，{value}的风险点由{value}"
    "用本人的表单报送（没有收到表单的请向办公室索取）。")
PERSON_NAME_VARIANT = _code(
    "person-name-variant", WARNING, "姓名与名册写法不同",
    "表内姓名写作“{value}”，名册中是“{detail}”（工号相同，只差一个繁简体或输入法打不出的字），已按{detail}汇总；"
    "如果名册中的写法有误，请告诉办公室更正名册。")
PERSON_UNKNOWN = _code(
    "person-unknown", WARNING, "人员不在名册中",
    "“{value}”不在{detail}的人员名单中；请核对姓名和工号，或请办公室更新名册。")
PERSON_AMBIGUOUS = _code(
    "person-ambiguous", ERROR, "同名人员",
    "名册中{detail}，看不出这份表是哪一位“{value}”的；请在“工号”一栏填写本人的工号。")
PERSON_MOVED = _code(
    "person-moved", INFO, "人员已调到其他部门",
    "“{value}”在名册中现属于{detail}；本表是按原部门下发的，仍按下发时的部门汇总（风险编号不变），无需重报。如名册有误，请办公室更正。")
PERSON_DEPARTMENT = _code(
    "person-department", WARNING, "部门与名册不符",
    "“{value}”在名册中属于{detail}，表内写的是另一个部门；这份表不是下发的原表（没有表单标识），已按名册归入{detail}"
    "（此人如另报了同一张表，只汇总较新的一份）。如名册有误，请办公室更新名册；如是此人在另一部门兼任岗位的风险点，不要另报一份个人表："
    "兼任岗位的风险点请写进本人的同一份个人表，或由该部门填在部门表（附件4）中。")
PERSON_LEFT = _code(
    "person-left", INFO, "人员已不在名册中",
    "本表下发给“{value}”（工号 {detail}），名册的人员名单中已没有此人；本表仍照常汇总（风险编号不变），其风险点还没有措施的，"
    "由本部门在附件6 中填写。如此人已调离或退休，无需处理；否则请办公室把此人加回名册。")
SAME_NAME_STAFF_NO = _code(
    "same-name-staff-no", WARNING, "同名者工号不同",
    "“{value}”报来的几份表填写了不同的工号（{detail}），按同一人处理，只汇总最新的一份；如果是同名的两个人，"
    "请在名册的“人员”工作表中登记他们（姓名、工号、部门），然后重新运行 merge。")
STAFF_NO_MISMATCH = _code(
    "staff-no-mismatch", WARNING, "工号与姓名不符",
    "工号“{value}”与名册中{detail}；请核对姓名和工号。")

# -- table and cells ----------------------------------------------------------------------------------
TABLE_NOT_FOUND = _code(
    "table-not-found", ERROR, "找不到表头",
    "找不到表格的表头行（应包含：{detail}）；请不要删除或改写表头。")
HEADER_PASTED_OVER = _code(
    "header-pasted-over", ERROR, "表头被覆盖",
    "第 {detail} 行原是表格的表头（{value}），被粘贴的内容覆盖了；已按下发表单的各列读取这一行及以下各行（见反馈表），"
    "请核对各行后重新报送，不要在表头行中填写。")
COLUMN_MISSING = _code(
    "column-missing", ERROR, "缺少必填列",
    "表格缺少“{field}”列；请使用下发的表单，不要删除列。")
COLUMN_RENAMED = _code(
    "column-renamed", INFO, "列名已识别",
    "表头“{value}”已按“{field}”读取。")
MERGED_ROWS = _code(
    "merged-rows", INFO, "合并单元格",
    "“{field}”在{detail}是合并单元格，已按这几行都填写了“{value}”处理。")
MERGED_RISK_ROWS = _code(
    "merged-risk-rows", WARNING, "风险点合并单元格",
    "“{field}”在原表{detail}是合并单元格（“{value}”），已按这几行各是一条风险点汇总；如是同一条风险点的几种表现，"
    "请取消合并，写成一行（主要表现形式可写在同一单元格中）。")
ROWS_HIDDEN = _code(
    "rows-hidden", INFO, "隐藏的行",
    "第 {detail} 行是隐藏的行（手动隐藏或筛选后未显示，共 {value} 行），已照常汇总；如这些行已作废，请删除后重新发送。")
COLUMN_EXTRA = _code(
    "column-extra", INFO, "多余的列",
    "“{value}”列的内容未汇总：{detail}。")
MEASURES_ON_RISK_FORM = _code(
    "measures-on-risk-form", WARNING, "措施填在了风险点表中",
    "“{value}”列的内容没有汇总：本表是风险点自查表，不登记防控措施；防控措施请填写在办公室下发的《{detail}》中。")
COLUMN_DROPPED = _code(
    "column-dropped", WARNING, "缺少建议填写的列",
    "表格缺少“{field}”列，这一项无法汇总；请使用下发的表单，不要删除列。")
HEADER_REPEATED = _code(
    "header-repeated", INFO, "重复的表头",
    "第 {detail} 行重复了表格的表头（{value}），未作为数据读取。")
HEADER_HINTS = _code(
    "header-hints", INFO, "表中的填写提示",
    "第 {detail} 行是填写提示（{value}），未作为数据读取。")
HEADER_REORDERED = _code(
    "header-reordered", WARNING, "另一种列顺序的表头",
    "原表第 {detail} 行是另一张表的表头，列的顺序与本表不同（{value}）；其下各行已按这一行的表头读取。请核对这些行，"
    "今后请按本表的列顺序填写。")
FORM_PASTED_BELOW = _code(
    "form-pasted-below", ERROR, "表格下方贴了另一份表",
    "原表第 {detail} 行起是另一份表单（{value}）；一张工作表只能填一份表，这部分未读取。请把它放到单独的工作表或文件中后重新发送。")
MEASURE_CONTINUES = _code(
    "measure-continues", INFO, "续写的措施",
    "第 {detail} 行只填了措施（或工作程序）、没有填风险编号，已作为上面风险点（{value}）的另一条措施汇总；如不是，请填写它的风险编号。")
ROW_CONTINUED = _code(
    "row-continued", INFO, "接续上一行的内容",
    "第 {detail} 行只填了“{field}”，已接在上一行（{value}）的同一列内容后面汇总；如是另一项，请在这一行补填其余各列。")
POST_HEADING = _code(
    "post-heading", WARNING, "岗位标题行",
    "原表第 {detail} 行像是岗位“{value}”的标题，没有作为一项汇总；它下面没有填写“{field}”的风险点已按这一岗位汇总。"
    "请核对：如不是岗位名称，请在这些风险点填写各自的“{field}”。")
ITEM_AT_POST = _code(
    "item-at-post", INFO, "同一项的其他岗位",
    "第 {detail} 行只填了“{field}”，已作为上一行的同一项（{value}）在这一岗位汇总；如是另一项，请在这一行补填其余各列。")
ROW_REPEATED = _code(
    "row-repeated", INFO, "重复上一行再续写",
    "第 {detail} 行除“{field}”外与上一行（{value}）完全相同，已接在上一行的同一列内容后面汇总；"
    "如是另一项，请给它自己的序号并写明不同之处。")
COLUMN_SHIFTED = _code(
    "column-shifted", WARNING, "整列可能错位",
    "“{field}”一列第一行（第 {detail} 行）是空的，最后一行下面却多出一格（{value}），已接在最后一行的内容后面汇总。请核对这一列："
    "如果是整列低了一行，请逐行改正（第一行填原在第二行的内容，依此类推，最后一行只留“{value}”）后重新报送；如果多出的一格是"
    "最后一行内容的接续，无需处理。")
DITTO = _code(
    "ditto", INFO, "“同上”按上一行汇总",
    "“{field}”写的是“{detail}”，已按上一行的“{value}”汇总；如不是这个意思，请直接填写内容。")
DITTO_NOTHING_ABOVE = _code(
    "ditto-nothing-above", ERROR, "“同上”上面没有内容",
    "“{field}”写的是“{value}”，意思是同上一行，但上面没有可以沿用的一行；请直接填写内容。")
SECTION_HEADING = _code(
    "section-heading", INFO, "分类标题行",
    "第 {detail} 行（{value}）只写了“{field}”列，像是分类标题，没有作为一项汇总；如确是一项，请补填其余各列。")
CATEGORY_HEADING = _code(
    "category-heading", INFO, "分类标题行",
    "第 {detail} 行（{value}）像是表格中的分类标题，没有作为一项汇总；它下面没有填写“{field}”的行按这一类汇总"
    "（到填写了另一类的一行为止）。如确是一项，请补填其余各列。")
SIGNOFF_IN_TABLE = _code(
    "signoff-in-table", INFO, "表格中的签字栏",
    "第 {detail} 行像是签字栏（{value}），没有作为风险点读取；签字和日期请写在表格下方的签字栏。")
ROW_NOT_READ = _code(
    "row-not-read", INFO, "未读取的文字",
    "这一行只在“{field}”列写了“{value}”，没有作为数据读取；如需说明，请写在它所说明的那一行的“备注”列。")
ROWS_NOT_READ_MORE = _code(
    "rows-not-read-more", INFO, "未读取的文字（其余）",
    "另有 {detail} 处只在一列写了内容的行，同样没有作为数据读取（不再逐一列出）；如是误填（如向下拖动复制），请删去。")
REQUIRED = _code("required", ERROR, "必填项为空", "“{field}”为必填项，请填写。")
EXPECTED = _code("expected", WARNING, "建议填写", "“{field}”未填写，建议补充。")
REQUIRED_PLACEHOLDER = _code(
    "required-placeholder", ERROR, "必填项只写了占位符",
    "“{field}”为必填项，只写了“{value}”，请填写具体内容。")
MEASURE_NOT_MEASURE = _code(
    "measure-not-measure", ERROR, "防控措施写的不是措施",
    "“{field}”写的是“{value}”，像是{detail}，不是防控措施（可能整块内容粘贴错了一列）；请在“{field}”中写明具体的防控措施，"
    "并核对这一行其他各列。")
INVALID_CHOICE = _code(
    "invalid-choice", ERROR, "不在可选范围",
    "“{field}”只能填写：{detail}；当前为“{value}”，请从下拉列表中选择。")
CHOICE_NORMALISED = _code(
    "choice-normalised", WARNING, "已按规范值读取",
    "“{field}”填写为“{value}”，已按“{detail}”读取；今后请从下拉列表中选择。")
INVALID_LEVEL = _code(
    "invalid-level", ERROR, "风险等级无效",
    "风险等级只能填写一级、二级或三级；当前为“{value}”，请从下拉列表中选择。")
LEVEL_NORMALISED = _code(
    "level-normalised", WARNING, "风险等级已规范",
    "风险等级填写为“{value}”，已按“{detail}”读取；今后请从下拉列表中选择一级、二级或三级。")
INVALID_DATE = _code(
    "invalid-date", ERROR, "日期无效",
    "“{field}”不是有效日期（“{value}”）；请按 2023-03-15 的格式填写。")
DATE_UNCLEAR = _code(
    "date-unclear", WARNING, "日期无法识别",
    "“{field}”不是可以识别的日期（“{value}”），未按日期使用；请按 2023-03-15 的格式填写。")
DATE_MONTH_ONLY = _code(
    "date-month-only", INFO, "日期只写到月份",
    "“{field}”只写到月份（“{value}”），没有作为具体日期使用；无需处理。")
DATE_IMPOSSIBLE = _code(
    "date-impossible", WARNING, "日期不存在",
    "“{field}”填写的“{value}”不是存在的日期（月份或日子超出范围），请核对后按 2023-06-30 的格式填写{detail}。")
DATE_AFTER_SENDING = _code(
    "date-after-sending", WARNING, "填表日期晚于发出时间",
    "“{field}”为 {value}，晚于这份表的{detail}，可能写错了；已按发出时间判断先后与是否逾期，请核对。")
MAIL_DATE_WRONG = _code(
    "mail-date-wrong", INFO, "邮件日期与收信时间不符",
    "这封邮件写的发出时间是 {value}，而邮件服务器收到它是在 {detail}，相差过大（发件电脑的时钟可能不准）；"
    "提交时间、先后与是否逾期都按服务器收到的时间判断。")
DATE_IMPLAUSIBLE = _code(
    "date-implausible", WARNING, "日期不在本轮活动期间",
    "“{field}”为 {value}，不在本轮活动期间（{detail}）附近，可能写错了年份；不作为提交时间使用，请核对。")
DATE_BEFORE_CAMPAIGN = _code(
    "date-before-campaign", WARNING, "日期早于本轮活动",
    "“{field}”为 {value}，早于本轮活动开始（{detail}），可能写错了年份；不作为提交时间使用，请核对。")
DEADLINE_BEFORE_CAMPAIGN = _code(
    "deadline-before-campaign", WARNING, "完成时限早于本轮活动",
    "“{field}”为 {value}，早于本轮活动开始（{detail}），可能是沿用了往年的内容或写错了年份；请填写本轮措施的完成时限。")
DATE_AS_TEXT = _code(
    "date-as-text", INFO, "日期为文本",
    "“{field}”以文本形式填写（“{value}”），已按 {detail} 读取。")
DATE_AS_NUMBER = _code(
    "date-as-number", INFO, "日期显示为数字",
    "“{field}”存的是数字 {value}，不是日期（单元格里可能显示为数字或 ####），已按日期 {detail} 读取；请在该单元格重新输入日期 {detail}。")
DATE_TYPED_AS_NUMBER = _code(
    "date-typed-as-number", INFO, "日期被存成了数字",
    "“{field}”中输入的“{value}”被表格程序当作数字存进了日期格式的单元格（显示为 1900 年前后的日期），已按“{detail}”读取；"
    "请核对，日期最好写作 2023-06-30 的格式。")
TEXT_CONVERTED = _code(
    "text-converted", WARNING, "文字被自动转换",
    "“{field}”中是 {value}：可能是表格程序把输入的文字（如 1-2-3、(1)、2023.10）自动转成了日期或数字；请核对，如原本不是这样，"
    "请先把单元格设为文本格式（或在开头加英文单引号 '）再输入。")
TOO_LONG = _code(
    "too-long", WARNING, "内容过长",
    "“{field}”内容较长（{detail}）；公示时会占很多行，如可能请精简。")
FORMULA_UNCACHED = _code(
    "formula-uncached", ERROR, "公式没有计算结果",
    "该单元格是公式（{value}）但没有保存计算结果；请直接填写内容，不要使用公式。")
FORMULA_ERROR = _code(
    "formula-error", ERROR, "单元格显示错误值",
    "该单元格显示错误值 {value}；请改为直接填写内容。")
FORMULA_ERROR_BLANK = _code(
    "formula-error-blank", WARNING, "单元格显示错误值（非必填）",
    "该单元格显示错误值 {value}，已按空白读取；如这里应有内容，请改为直接填写。")
CELL_PICTURE = _code(
    "cell-picture", ERROR, "单元格中是图片",
    "该单元格中是一张图片（WPS“嵌入单元格图片”），图片里的内容无法汇总；请把内容直接输入为文字。")
CELL_PICTURE_BLANK = _code(
    "cell-picture-blank", WARNING, "单元格中是图片（非必填）",
    "该单元格中是一张图片（WPS“嵌入单元格图片”），图片里的内容无法汇总，已按空白读取；如这里应有内容，请直接输入为文字。")
CELL_NOT_USED = _code(
    "cell-not-used", INFO, "不汇总的单元格",
    "该单元格{detail}；这一格的内容不汇总（序号、签字栏或表格以外），不影响本表。")
FORMULA_CACHED = _code(
    "formula-cached", INFO, "公式已取计算结果",
    "该单元格是公式（{value}），已按其显示的结果读取。")
HEADER_BELOW_ROWS = _code(
    "header-below-rows", ERROR, "表头排到了各行下面",
    "表格的表头（第 {detail} 行）排在了{value}的下面（可能是排序时把表头也一起排序了），这些行没有读取：请撤销这次排序，或把表头"
    "那一行移回表格各行的上面，然后重新发送。")
NO_ROWS = _code(
    "no-rows", ERROR, "表格没有内容",
    "表格中没有填写任何{detail}；请至少填写一行。")
DUPLICATE_ROW = _code(
    "duplicate-row", WARNING, "重复的行",
    "这一行与原表第 {detail} 行内容完全相同，只汇总一次；如确属重复请删除，如是另一项请改写清楚。")
RISKS_IN_ONE_CELL = _code(
    "risks-in-one-cell", WARNING, "一格中有几个风险点",
    "“风险点”一格中编号列了 {detail} 项（{value}）；已作为一个风险点汇总。每个风险点请单独填一行（各有自己的风险等级、风险编号和"
    "防控措施）：请把它们分成几行后重新报送；如果确是一个风险点，请去掉编号。")
MAJOR_NOT_LEVEL1 = _code(
    "major-not-level1", WARNING, "三重一大但非一级",
    "该风险涉及“三重一大”，但风险等级为{value}；按实施方案，涉及“三重一大”的一般应评为一级，请核实。")
POWER_ITEM_UNKNOWN = _code(
    "power-item-unknown", WARNING, "权力事项不在权力清单中",
    "关联权力事项“{value}”不在本部门附件2（权力清单）中{detail}；请填写权力清单中的事项名称，或补充权力清单。")
RISK_ID_UNKNOWN = _code(
    "risk-id-unknown", ERROR, "风险编号不存在",
    "风险编号“{value}”不在已登记的风险中；请照登记的风险编号填写（预填的编号不要修改），新增风险请先补报附件3/附件4。")
RISK_ID_ELSEWHERE = _code(
    "risk-id-elsewhere", ERROR, "风险编号不属于本表",
    "风险编号“{value}”是{detail}风险点，不是本表的；请删去这一行（那个风险点的措施由它所属的表单填报），或改为本表的风险编号。")
MEASURE_AMBIGUOUS = _code(
    "measure-ambiguous", WARNING, "措施对应的风险点不明确",
    "风险点“{value}”与已登记的{detail}同样接近，无法确定是哪一个，这一行的措施没有汇总；请写上风险编号，或按登记时的风险点原文填写。")
MEASURE_FOR_EARLIER_WORDING = _code(
    "measure-for-earlier-wording", INFO, "措施是按风险点原来的写法填写的",
    "这一行的措施是按风险点原来的写法“{value}”填写的，这个风险点（同一风险编号）在重报的风险点登记表中已改为“{detail}”，改动不只是"
    "换了说法；措施仍按原样汇总。如改动后已是另一件事，措施可能不再适用，可请填报人核对后改报措施。")
RISK_TEXT_DIFFERS = _code(
    "risk-text-differs", WARNING, "风险点与风险编号不一致",
    "这里写的风险点“{value}”与风险编号登记的“{detail}”不同；已按风险编号汇总，请核对风险编号是否写对。")
RISK_ID_BY_TEXT = _code(
    "risk-id-by-text", WARNING, "风险编号不对，已按风险点对应",
    "风险编号“{value}”不是已登记的编号（可能是去年的编号）；本行的风险点与 {detail} 相同，已按它汇总。请把风险编号改为登记的编号。")
MEASURE_OTHER_RISK = _code(
    "measure-other-risk", ERROR, "措施写给了另一条风险点",
    "这一行的风险点“{value}”与风险编号 {detail}差别很大，像是另一条风险点（如从去年的表中复制来的），这一行的措施没有汇总。"
    "如果是另一条风险点：请在这个编号的行中填写针对登记的风险点的措施，另一条风险点如要登记，请报在风险点登记表（个人：附件3；"
    "部门：附件4）中；如果只是改写了这个风险点：措施表中请保留预填（登记）的风险点，改风险点请重报风险点登记表。")
MEASURE_UNMATCHED = _code(
    "measure-unmatched", WARNING, "措施对应不到风险点",
    "风险点“{value}”与{detail}都对不上，这一行的措施没有汇总（其他行照常汇总）；请按登记时的风险点原文填写，"
    "或使用预填的措施表；如果这是新发现的风险，请先用附件3（个人）或附件4（部门）补报，登记后再填报它的措施。")
MEASURES_MATCH_NOTHING = _code(
    "measures-match-nothing", ERROR, "措施表对应不到任何风险点",
    "表中 {value} 行措施都没能对应到{detail}（对不上或不能确定是哪一个），整张表没有可以汇总的措施；请先报送或改正"
    "风险点登记表，再按其中的风险点原文或风险编号填写，或使用预填的措施表。")
MEASURES_BEFORE_RISKS = _code(
    "measures-before-risks", ERROR, "风险点尚未登记",
    "{detail}还没有已接收的风险点登记表（{value}），表中的措施暂时无法对应：登记表未报送，或报送后被退回、尚未改正。"
    "请先报送或改正登记表；本表不需要修改，登记表接收后，下次汇总时会自动核对并汇总本表的措施。")
RISK_WITHDRAWN = _code(
    "risk-withdrawn", INFO, "风险点已从登记表删去",
    "风险编号“{value}”的风险点已从重新报送的风险点登记表中删去，这一行的措施不再汇总；如仍需要，请在登记表中补回，否则无需处理。")
RISK_ANSWERED_BY_PERSON = _code(
    "risk-answered-by-person", INFO, "已由本人答复的风险点",
    "风险编号“{value}”是个人的风险点，此人已回到名册并在本人的附件5 中填写了措施，这一行的措施不再汇总；无需处理。")
RISK_PENDING = _code(
    "risk-pending", INFO, "风险点所在的登记表被退回",
    "风险编号“{value}”所在的风险点登记表重新报送后被退回修改，这个风险点暂不汇总；登记表改正并接收后，这一行的措施一并汇总，无需重报本表。")
RISK_REGISTERED_LATER = _code(
    "risk-registered-later", WARNING, "表中没有后来登记的风险点",
    "风险点 {value}（{detail}）是这张措施表预填之后才登记的，表中没有它；请补报它的防控措施：在反馈工作簿中已补上"
    "这一行，填好发回即可（也可以用重新生成的措施表，其中已填好已接收的措施）。")
RISK_WITHOUT_MEASURE = _code(
    "risk-without-measure", ERROR, "风险点没有防控措施",
    "风险点 {value}（{detail}）没有防控措施；请为每个已登记的风险点填写防控措施（表格的行不够时，在最后一行下面插入行再填）。")
PREFILLED_CHANGED = _code(
    "prefilled-changed", WARNING, "预填内容被修改",
    "预填的“{field}”被改为“{value}”（原为“{detail}”）；已按原值汇总。")
RISK_ID_OTHER_ROW = _code(
    "risk-id-other-row", WARNING, "风险编号与风险点不对应",
    "本行的风险编号“{value}”是另一条风险点的编号，与本行的风险点不对应（本行是{detail}）；已按风险点汇总。请核对本行的风险编号"
    "（可能是粘贴时各行的顺序不同）。")
PREFILLED_RISK_CHANGED = _code(
    "prefilled-risk-changed", WARNING, "措施表中的风险点被修改",
    "预填的“{field}”被改为“{value}”（原为“{detail}”）；措施表中的风险点以登记时为准，已按原值汇总。如需修改风险点本身"
    "（文字或等级），请改正后重新报送风险点登记表（个人：附件3；部门：附件4）：改动不大时，已填的措施仍对应这个风险点；"
    "改写较多时它按新的风险点登记，届时会请您为它补报措施。")
SUPERVISION_BY_ROSTER = _code(
    "supervision-by-roster", INFO, "直接管理/监督负责按名册",
    "表中“{field}”为“{value}”，目录中为“{detail}”：直接管理和监督负责由办公室按名册和风险等级确定，以目录为准，不必修改。")
LEADER_ROLE = _code(
    "leader-role", ERROR, "职务与机构不符",
    "“{value}”只能用于{detail}；请改正机构或职务。")
LEADER_COUNT = _code(
    "leader-count", ERROR, "人数不符",
    "{detail}应当有且只有一名，当前为 {value} 名；请核对。")

# -- merge outcomes ----------------------------------------------------------------------------------
ROW_NOT_MERGED = _code(
    "row-not-merged", INFO, "该行未汇总",
    "这一行未汇总进目录：{detail}。")
SCAN_FOLLOWED_UP = _code(
    "scan-followed-up", INFO, "已收到表格",
    "这封邮件的附件不是表格（扫描件、照片或盖章件）；同一发件人发来的表格（{value}）已接收，这封邮件不再需要处理。")
RESENT_FOLLOWED_UP = _code(
    "resent-followed-up", INFO, "已重新发来",
    "这份文件无法读取（{detail}）；同一发件人（或文件名所说的同一人、同一张表）重新发来的表格（{value}）已接收，这份不再需要处理。")
SUPERSEDED = _code(
    "superseded", INFO, "已被新提交替代",
    "同一表单有更新的提交（{value}），本文件未汇总。")
LIST_KEPT = _code(
    "list-kept", INFO, "改正前仍列出上次接收的版本",
    "这份重报的表被退回修改；改正并接收前，汇总工作簿中仍列出上次接收的版本（{value}），改正后发回即替换。")
SUPERSEDED_KEPT = _code(
    "superseded-kept", INFO, "更新的提交被退回，仍按本文件汇总",
    "同一表单更新的提交（{value}）被退回修改；改正并接收前，汇总工作簿中仍列出本文件的内容。")
MEASURES_KEPT = _code(
    "measures-kept", INFO, "未列出的风险点沿用先前报来的措施",
    "本表没有列出风险点 {value}，仍按先前报来的 {detail} 中填写的防控措施汇总；如要修改这些措施，请在本表最后一行下面补上相应的行再发回。")
BLANK_RESENT = _code(
    "blank-resent", INFO, "空白表未替代已报的表",
    "这份表格中没有填写任何{detail}，未替代先前报送的“{value}”（仍按那一份汇总），也不用改正；如要修改已报的内容，"
    "请在原表上改好后重新发送。")
RESENT_OLDER = _code(
    "resent-older", INFO, "再次发来的旧版",
    "这份表与较早的一版（{value}）内容完全相同，是再次发来的旧版（随多人合在一起的工作簿或压缩包，或是已退回的那一版）；其后已有更新的一版，不替代它。")
FEEDBACK_UNCHANGED = _code(
    "feedback-unchanged", INFO, "未修改的反馈工作簿",
    "这是发回的反馈工作簿，内容与它要更正的“{value}”相同、没有修改（转发或误发），不作为新的提交。")
DUPLICATE_FILE = _code(
    "duplicate-file", INFO, "重复文件",
    "与“{value}”内容完全相同，按重复文件处理。")


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    message: str
    sheet: str | None = None
    cell: str | None = None
    field: str | None = None
    value: str | None = None
    # Position inside the form's table (0-based data row, column key) so feedback can point at the
    # same cell of a freshly laid out form; not part of report.json.
    row: int | None = dc_field(default=None, compare=False)
    key: str | None = dc_field(default=None, compare=False)

    def to_json(self) -> dict:
        return {
            "code": self.code, "severity": self.severity, "sheet": self.sheet, "cell": self.cell,
            "field": self.field, "value": self.value, "message": self.message,
        }


VALUE_MAX = 2000
"""The most of a cell's text a finding quotes (report.json, 问题清单)."""


def make(code: str, *, sheet: str | None = None, cell: str | None = None, field: str | None = None,
         value: object = None, detail: object = "", row: int | None = None, key: str | None = None) -> Finding:
    """Build a finding of a catalogued code; the message is rendered from the code's template."""
    spec = CODES[code]
    text_value = "" if value is None else str(value)
    if len(text_value) > VALUE_MAX:     # (a 20-million-character cell made report.json 20 MB; the cell holds it all)
        text_value = text_value[:VALUE_MAX - 1] + "…"
    shown = text_value if len(text_value) <= 60 else text_value[:57] + "…"
    message = spec.template.format(field=field or "", value=shown, detail=detail, sheet=sheet or "")
    return Finding(code, spec.severity, message, sheet, cell, field,
                   None if value is None else text_value, row, key)


def markdown_table() -> str:
    """The code catalogue as the README's Markdown table (`python -m formkit.findings` prints it)."""
    def cell(text: str) -> str:
        for key, shown in (("{field}", "〈字段〉"), ("{value}", "〈值〉"), ("{detail}", "〈详情〉"), ("{sheet}", "〈工作表〉")):
            text = text.replace(key, shown)
        return text.replace("|", "｜")

    lines = ["| 代码 | 程度 | 名称 | 说明（模板） |", "|---|---|---|---|"]
    lines += [f"| `{c.slug}` | {SEVERITY_ZH[c.severity]} | {c.title} | {cell(c.template)} |" for c in CODES.values()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
