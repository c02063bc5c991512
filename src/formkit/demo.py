"""The bundled demo campaign: a fictional college, its roster, and an inbox of returned forms.

build_demo(root) writes formkit.toml, 名册.xlsx and inbox/ the way a coordinator's folder looks after
phases 2 and 3: forms made by generate.write_form (the same workbooks `formkit generate` hands out),
filled with ordinary Chinese content, returned plain, zipped (one zip with GBK member names as Windows
Chinese zip tools write them), inside .eml mails (RFC 2047 and RFC 2231 attachment names), renamed,
and with the mistakes coordinators meet every round. Phase 3 (附件5/附件6) is pre-filled from what
formkit.pipeline.analyse accepts from phase 2, exactly as `formkit generate --stage measures` would.

Everything is deterministic: fixed dates, one seeded random.Random(2023), fixed zip and file times,
fixed mail boundaries; building twice gives byte-identical inbox files.

The mistakes planted on purpose are listed by planted_findings(), so tests (and the demo's summary)
can check that each one is reported at its sheet and cell.
"""

from __future__ import annotations

import base64
import io
import os
import random
import shutil
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from email import utils as email_utils
from email.message import EmailMessage, Message
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

import xlsxwriter

from formkit import workspace
from formkit.config import Config, Department, Person, load_config
from formkit.generate import FormContent, form_file_name, header_prefill, identity_for, write_form
from formkit.layout import TITLE_ROW, Layout
from formkit.spec import load_forms

INSTITUTION = "示范职业技术学院"
MAIN_LEADER = "周启明"
CAMPAIGN = "2023年度廉政风险防控"
YEAR = 2023
CONTACT = "lianzheng@example.edu.cn"
SEED = 2023
MEASURES_FOLDER = "防控措施"   # where each department's phase-3 returns are saved

CST = timezone(timedelta(hours=8))
XLSX_MIME = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")

# -- the roster -----------------------------------------------------------------------------------

# 代码, 名称, 类型, 部门负责人, 分管领导, 应报人数 (filled from the staff list), 简称
_DEPARTMENTS = [
    ("DZB", "党政办公室", "党政部门", "王建华", "孙立新", "党办,院办"),
    ("ZZRS", "组织人事处", "党政部门", "张海燕", "孙立新", "组织部,人事处"),
    ("JWC", "教务处", "党政部门", "刘振宇", "刘雅琴", ""),
    ("CWC", "财务处", "党政部门", "何丽萍", "陈志刚", ""),
    ("HQ", "后勤管理处", "党政部门", "马德胜", "陈志刚", "后勤处"),
    ("ZSJY", "招生就业处", "党政部门", "黄晓东", "刘雅琴", "招就处"),
    ("JDX", "机电工程系", "教学系部", "杨志强", "李卫东", "机电系"),
    ("XXX", "信息工程系", "教学系部", "吴晓峰", "李卫东", "信息系"),
]

# 工号, 姓名, 部门代码, 岗位, 职务层级
STAFF = [
    ("0003", "王建华", "DZB", "主任", "中层干部"),
    ("0012", "林晓琳", "DZB", "副主任", "中层干部"),
    ("0027", "郑凯", "DZB", "文秘", "一般干部"),
    ("0045", "许文静", "DZB", "机要档案", "一般干部"),
    ("0058", "韩磊", "DZB", "公务用车管理", "一般干部"),
    ("0005", "张海燕", "ZZRS", "处长", "中层干部"),
    ("0016", "蒋明辉", "ZZRS", "副处长", "中层干部"),
    ("0031", "冯丽娟", "ZZRS", "人事调配", "一般干部"),
    ("0049", "曹宇", "ZZRS", "薪酬福利", "一般干部"),
    ("0063", "彭晓雯", "ZZRS", "干部管理与党员发展", "一般干部"),
    ("0007", "刘振宇", "JWC", "处长", "中层干部"),
    ("0019", "宋佳", "JWC", "副处长", "中层干部"),
    ("0034", "唐亮", "JWC", "考务管理", "一般干部"),
    ("0052", "邓雪梅", "JWC", "教材管理", "一般干部"),
    ("0066", "萧然", "JWC", "学籍与成绩管理", "一般干部"),
    ("0009", "何丽萍", "CWC", "处长", "中层干部"),
    ("0022", "罗建新", "CWC", "会计", "一般干部"),
    ("0038", "梁秀英", "CWC", "出纳", "一般干部"),
    ("0055", "谢文博", "CWC", "收费管理", "一般干部"),
    ("0070", "邹敏", "CWC", "预算与资产核算", "一般干部"),
    ("0011", "马德胜", "HQ", "处长", "中层干部"),
    ("0025", "潘国强", "HQ", "副处长", "中层干部"),
    ("0041", "董立军", "HQ", "物资采购", "一般干部"),
    ("0057", "袁芳", "HQ", "食堂与物业监管", "一般干部"),
    ("0073", "石磊", "HQ", "基建维修", "一般干部"),
    ("0014", "黄晓东", "ZSJY", "处长", "中层干部"),
    ("0029", "钟雨婷", "ZSJY", "招生录取", "一般干部"),
    ("0046", "程浩", "ZSJY", "就业指导", "一般干部"),
    ("0068", "贾敏", "ZSJY", "招生宣传", "一般干部"),
    ("0017", "杨志强", "JDX", "系主任", "中层干部"),
    ("0033", "魏红梅", "JDX", "党支部书记", "党支部书记"),
    ("0048", "姜涛", "JDX", "实训中心主任", "专任教师"),
    ("0061", "范志远", "JDX", "专业教师", "专任教师"),
    ("0075", "方静", "JDX", "教学秘书", "一般干部"),
    ("0082", "任俊杰", "JDX", "辅导员", "一般干部"),
    ("0020", "吴晓峰", "XXX", "系主任", "中层干部"),
    ("0036", "胡秀兰", "XXX", "党支部书记", "党支部书记"),
    ("0051", "秦宇航", "XXX", "专业教师", "专任教师"),
    ("0064", "孔令辉", "XXX", "实验室管理员", "一般干部"),
    ("0079", "付雅婷", "XXX", "教学秘书", "一般干部"),
    ("0086", "汪洋", "XXX", "辅导员", "一般干部"),
]


def roster_departments() -> list[tuple]:
    """The 部门 sheet rows, 应报人数 counted from the staff list."""
    return [(code, name, typ, head, leader, sum(1 for s in STAFF if s[2] == code), aliases)
            for code, name, typ, head, leader, aliases in _DEPARTMENTS]


def _rows(text: str, keys: str) -> list[dict[str, str]]:
    """Content tables below are written one row a line, fields separated by |."""
    names = keys.split()
    out = []
    for line in text.strip().splitlines():
        parts = [p.strip() for p in line.split("|")]
        assert len(parts) == len(names), line
        out.append(dict(zip(names, parts, strict=True)))
    return out


# -- 附件1 --------------------------------------------------------------------------------------------

_LEADERSHIP = _rows("""
领导小组|组长|周启明|党委书记|6001|
领导小组|副组长|李卫东|党委副书记、院长|6002|
领导小组|副组长|赵国栋|党委委员、纪委书记|6005|
领导小组|成员|孙立新|党委副书记|6003|
领导小组|成员|陈志刚|党委委员、副院长|6006|
领导小组|成员|刘雅琴|党委委员、副院长|6007|
领导小组|成员|王建华|党政办公室主任|6101|
领导小组|成员|张海燕|组织人事处处长|6201|
领导小组|成员|何丽萍|财务处处长|6401|
领导小组办公室|主任|钱立平|纪检监察室主任|6801|办公室设在纪检监察室
领导小组办公室|副主任|林晓琳|党政办公室副主任|6102|
领导小组办公室|成员|蒋明辉|组织人事处副处长|6202|
领导小组办公室|成员|宋佳|教务处副处长|6302|
领导小组办公室|成员|徐静|纪检监察室干事|6802|负责日常联络和材料汇总
""", "body role name post phone note")

# -- 附件2: power items per department --------------------------------------------------------------

_P = "power_item power_type basis post owner process major"
POWERS: dict[str, list[dict[str, str]]] = {
    "DZB": _rows("""
学院重要会议组织与议定事项督办|执行|《学院党委会议事规则》《院长办公会议事规则》|主任|王建华|收集议题→领导审定→会议组织→形成纪要→分解督办→反馈通报|否
公文审核与印章使用管理|行政管理|《党政机关公文处理工作条例》《学院印章管理办法》|文秘、机要档案|林晓琳|用印申请→部门负责人审核→办公室审批→登记用印→存档备查|否
公务接待审批|行政管理|《党政机关国内公务接待管理规定》《学院公务接待管理办法》|副主任|林晓琳|接待申请→审批接待方案→按标准安排→填写接待清单→报销审核|否
公务用车调度与管理|执行|《党政机关公务用车管理办法》《学院公务用车管理规定》|公务用车管理|韩磊|用车申请→审批派车→出车登记→回场登记→费用结算|否
办公用品采购与发放|执行|《学院物资采购管理办法》|主任|王建华|需求汇总→询价比价→审批采购→验收入库→登记发放|否
""", _P),
    "ZZRS": _rows("""
中层干部选拔任用|决策|《党政领导干部选拔任用工作条例》《学院中层干部选拔任用办法》|处长|张海燕|制定方案→民主推荐→组织考察→党委会讨论决定→任前公示→任职|是
人员公开招聘与人才引进|执行|《事业单位公开招聘人员暂行规定》《学院公开招聘工作实施办法》|人事调配|冯丽娟|需求申报→方案报党委会审定→发布公告→资格审查→笔试面试→考察体检→公示聘用|是
专业技术职务评审组织|执行|《高等学校教师职称评审办法》《学院专业技术职务评聘办法》|副处长|蒋明辉|发布通知→个人申报→资格审查→材料公示→评委会评审→结果公示|否
工资福利核定|行政管理|《事业单位工作人员收入分配制度改革方案》《学院绩效工资分配办法》|薪酬福利|曹宇|数据采集→核定→处长审核→分管领导审批→财务发放|否
干部人事档案与党员发展管理|行政管理|《干部人事档案工作条例》《中国共产党发展党员工作细则》|干部管理与党员发展|彭晓雯|材料收集→审核→登记归档；入党申请→培养考察→政审→支部大会→党委审批|否
""", _P),
    "JWC": _rows("""
教材选用与征订|决策|《普通高等学校教材管理办法》《学院教材选用管理办法》|教材管理|邓雪梅|教研室提出→系部审核→教材选用委员会审定→比选征订→验收发放→结算|否
考试组织与管理|执行|《学院考试管理规定》《学院学生考试违纪处理办法》|考务管理|唐亮|命题审题→试卷印制保密→编排考场→巡考→阅卷→试卷归档|否
成绩修改审批|监督|《学院学生成绩管理办法》|学籍与成绩管理|萧然|任课教师申请→系部审核→教务处审批→系统修改→留档备查|否
学籍异动审核|行政管理|《普通高等学校学生管理规定》《学院学籍管理办法》|学籍与成绩管理|萧然|学生申请→系部审核→教务处审核→分管领导审批→备案|否
教学质量工程项目立项与经费管理|决策|《学院教学质量工程项目管理办法》|副处长|宋佳|项目申报→专家评审→公示→院长办公会审定→经费下达→中期检查→结项验收|是
""", _P),
    "CWC": _rows("""
经费报销审核|监督|《中华人民共和国会计法》《学院经费报销管理办法》|会计|罗建新|经办人填单→部门负责人签批→会计审核→处长复核→出纳支付|否
大额资金支付审批|决策|《学院“三重一大”决策制度实施办法》《学院资金支付管理规定》|处长|何丽萍|部门申请→财务审核→分管领导审批→院长办公会或党委会集体决策→支付|是
学费及各项收费管理|执行|《高等学校收费管理暂行办法》|收费管理|谢文博|收费标准公示→开票收费→每日对账→按时上缴|否
预算编制与执行监控|决策|《中华人民共和国预算法》《学院预算管理办法》|预算与资产核算|邹敏|部门申报→财务汇总→预算委员会审议→党委会审定→执行监控→决算分析|是
现金与银行账户管理|执行|《现金管理暂行条例》《学院货币资金管理办法》|出纳|梁秀英|收付审核→登记日记账→每日对账→月末盘点|否
""", _P),
    "HQ": _rows("""
物资采购验收|执行|《中华人民共和国政府采购法》《学院物资采购管理办法》|物资采购|董立军|需求申报→采购计划审批→询价或招标→签订合同→验收入库→报账|否
基建及维修工程项目管理|决策|《中华人民共和国招标投标法》《学院基建维修工程管理办法》|基建维修|石磊|立项→预算审核→招标→签订合同→施工监管→竣工验收→审计结算|是
食堂及物业服务监管|监督|《学院后勤服务监督考核办法》|食堂与物业监管|袁芳|制定考核标准→日常检查→月度考核→考核结果与服务费挂钩|否
公用房调配|行政管理|《学院公用房管理办法》|副处长|潘国强|部门申请→现场核查→提出调配方案→分管领导审批→登记交付|否
""", _P),
    "JDX": _rows("""
实训设备与耗材采购申报|执行|《学院物资采购管理办法》《学院实训室管理办法》|实训中心主任|姜涛|需求论证→系务会审议→报后勤管理处采购→参与验收→登记入账|否
学生奖助学金评定|决策|《国家奖助学金管理办法》《学院学生资助工作实施细则》|辅导员|任俊杰|学生申请→班级评议→系评审小组审核→公示→报学生处审批|否
教师课时与绩效考核|行政管理|《学院教学工作量计算办法》《学院绩效考核办法》|教学秘书|方静|统计课时→教研室核对→系主任审核→公示→报教务处、组织人事处|否
校企合作项目管理|决策|《学院校企合作管理办法》|系主任|杨志强|洽谈→系务会论证→报学院审批→签订协议→过程管理→考核评估|是
党员发展与评优评先|决策|《中国共产党发展党员工作细则》《学院评优评先办法》|党支部书记|魏红梅|个人申请→支委会研究→公示→支部大会讨论→报党委审批|否
""", _P),
    "XXX": _rows("""
实验室建设项目申报与验收|执行|《学院实验室建设与管理办法》|实验室管理员|孔令辉|项目论证→系务会审议→报学院立项→参与采购与验收→资产登记|否
学生奖助学金评定|决策|《国家奖助学金管理办法》《学院学生资助工作实施细则》|辅导员|汪洋|学生申请→班级评议→系评审小组审核→公示→报学生处审批|否
技能竞赛选拔与经费使用|执行|《学院学生技能竞赛管理办法》|专业教师|秦宇航|发布通知→公开选拔→集训→参赛→经费报销|否
教学任务安排与调停课审批|行政管理|《学院教学管理规定》|教学秘书|付雅婷|教研室提出→系主任审核→教务处备案；调停课：申请→系部审批→教务处备案|否
职业技能等级证书考核组织|执行|《职业技能等级证书管理办法》|系主任|吴晓峰|报名审核→培训→考核→成绩公示→证书发放|否
""", _P),
}

# -- 附件4: department risks (关联权力事项 names the 附件2 items) ----------------------------------------

_R = "post power_item category risk manifest level major owner"
DEPT_RISKS: dict[str, list[dict[str, str]]] = {
    "DZB": _rows("""
主任|学院重要会议组织与议定事项督办|岗位职责|会议议定事项督办不力|督办反馈不实，对未落实事项不跟踪、不通报|三级|否|王建华
文秘、机要档案|公文审核与印章使用管理|业务流程|印章使用审批不严|未经审批用印，空白介绍信、证明材料外流|二级|否|林晓琳
副主任|公务接待审批|制度机制|超标准、超范围接待|无公函接待，陪餐人数超标，以会议费名义列支接待费|二级|否|林晓琳
公务用车管理|公务用车调度与管理|岗位职责|公车私用|节假日公车私用，虚报油耗和维修费用|二级|否|韩磊
主任|办公用品采购与发放|业务流程|采购未询价比价|长期固定供应商，虚开发票套取资金|三级|否|王建华
""", _R),
    "ZZRS": _rows("""
处长|中层干部选拔任用|岗位职责|干部选拔任用不按程序|突击提拔、“带病提拔”，民主推荐和考察走过场|一级|是|张海燕
人事调配|人员公开招聘与人才引进|业务流程|招聘条件“量身定制”|设置排他性条件，资格审查不严，面试评分不公|一级|是|冯丽娟
副处长|专业技术职务评审组织|制度机制|职称评审暗箱操作|评委名单提前泄露，申报材料造假审核不出|二级|否|蒋明辉
薪酬福利|工资福利核定|岗位职责|违规核定工资津贴|擅自调整工资档次，违规发放津贴补贴|二级|否|曹宇
""", _R),
    "JWC": _rows("""
教材管理|教材选用与征订|外部环境|教材征订中收受回扣|指定书商，收受出版发行单位好处费|二级|否|邓雪梅
考务管理|考试组织与管理|岗位职责|试卷泄密、考试舞弊|命题、印制、保管环节泄题，包庇考试作弊行为|二级|否|唐亮
学籍与成绩管理|成绩修改审批|业务流程|违规修改学生成绩|未经审批修改成绩，打“人情分”“关系分”|二级|否|萧然
学籍与成绩管理|学籍异动审核|制度机制|学籍异动审核不严|为不符合条件的学生办理转专业、休学复学|三级|否|萧然
副处长|教学质量工程项目立项与经费管理|岗位职责|项目评审和经费分配不公|评审专家不回避，项目经费挪作他用|一级|是|宋佳
""", _R),
    "CWC": _rows("""
会计|经费报销审核|岗位职责|报销审核把关不严|对虚假票据、超标准开支予以报销|二级|否|罗建新
处长|大额资金支付审批|制度机制|大额资金支付未经集体决策|拆分支付规避集体研究，先支付后补手续|二级|是|何丽萍
收费管理|学费及各项收费管理|岗位职责|截留、挪用收费收入|收费不开具票据，收入延迟上缴|二级|否|谢文博
预算与资产核算|预算编制与执行监控|业务流程|预算调整随意|未经批准调整预算用途，超预算支出|一级|是|邹敏
出纳|现金与银行账户管理|岗位职责|挪用公款|利用收付便利挪用资金，支付印鉴一人保管|二级|否|梁秀英
""", _R),
    "HQ": _rows("""
物资采购|物资采购验收|业务流程|规避招标、验收不严|化整为零规避招标，以次充好仍签字验收|二级|否|董立军
基建维修|基建及维修工程项目管理|岗位职责|工程招标中暗箱操作|泄露标底，设置排他性条件，虚增工程量|一级|是|石磊
食堂与物业监管|食堂及物业服务监管|外部环境|接受承包商好处、放松监管|收受礼品后考核打高分，违约不扣款|二级|否|袁芳
基建维修|零星维修审批|制度机制|零星维修项目拆分审批|将维修项目拆分为多个小项，规避审批和招标|三级|否|石磊
副处长|公用房调配|岗位职责|公用房分配不公|超标准占用办公用房，调配优亲厚友|三级|否|潘国强
""", _R),
    "JDX": _rows("""
实训中心主任|实训设备与耗材采购申报|业务流程|设备论证不充分、验收不严|指定品牌型号，验收走过场|二级|否|姜涛
辅导员|学生奖助学金评定|岗位职责|奖助学金评定不公|评定不公开，优亲厚友，虚报冒领|二级|否|任俊杰
教学秘书|教师课时与绩效考核|制度机制|课时统计不实|虚报课时，绩效分配不公开|三级|否|方静
系主任|校企合作项目管理|岗位职责|校企合作中以权谋私|合作单位由个人决定，收受合作企业好处|一级|是|杨志强
""", _R),
    "XXX": _rows("""
实验室管理员|实验室建设项目申报与验收|业务流程|实验室建设项目验收不严|设备参数与合同不符仍通过验收|二级|否|孔令辉
辅导员|学生奖助学金评定|岗位职责|奖助学金评定不公|评定不公开，照顾关系学生|二级|否|汪洋
专业教师|技能竞赛选拔与经费使用|制度机制|竞赛经费使用不规范|虚列培训费、材料费，选手选拔不公开|三级|否|秦宇航
教学秘书|教学任务安排与调停课审批|岗位职责|调停课审批随意|未经审批调停课，课时费照发|三级|否|付雅婷
系主任|职业技能等级证书考核组织|外部环境|证书考核放宽标准|收受培训机构好处，考核走过场|二级|否|吴晓峰
""", _R),
}

# -- 附件3: personal risks, by post --------------------------------------------------------------------

_K = "category risk manifest level major"
_HEAD = _rows("""
岗位职责|部门“三重一大”事项个人说了算|重大事项不上会或会前定调，以个人意见代替集体决策|一级|是
岗位职责|对部门干部职工日常教育管理和监督不到位|对苗头性问题发现不及时、提醒不及时，“一岗双责”落实不到位|二级|否
制度机制|部门经费审批把关不严|对不符合规定的开支签字同意，存在化整为零、虚列支出的情况|二级|否
外部环境|接受管理服务对象的宴请、礼品礼金|节假日收受红包礼金、购物卡，参加可能影响公正执行公务的宴请|二级|否
岗位职责|评优评先、岗位聘任推荐中优亲厚友|推荐人选不按程序、不公开，照顾关系人|二级|否
""", _K)
_DEPUTY = _rows("""
岗位职责|分管业务审核把关不严|对分管范围内的审批事项签字“走过场”，未认真核实材料|二级|否
思想道德|宗旨意识淡薄，服务态度生硬|对师生办事推诿扯皮，“门难进、脸难看、事难办”|三级|否
外部环境|受人情关系影响放松原则|因熟人、老乡、同学请托，在业务办理中给予照顾|二级|否
制度机制|分管工作制度不健全、执行不到位|业务流程不透明，自由裁量空间大|三级|否
""", _K)
_GENERAL = _rows("""
思想道德|政治理论学习不深入，纪律规矩意识淡薄|对廉政教育走过场，认为“小节无害”|三级|否
外部环境|节假日期间收受礼品礼金|以“人情往来”为名收受管理服务对象的礼品|三级|否
思想道德|工作作风不实|庸懒散拖，对师生诉求敷衍推诿|三级|否
制度机制|本岗位业务流程执行不严|按习惯办事，审批不留痕，程序“打折扣”|三级|否
""", _K)
PERSONAL: dict[str, list[dict[str, str]]] = {
    "主任": _HEAD,
    "处长": _HEAD,
    "系主任": _HEAD + _rows("""
岗位职责|校企合作项目及经费管理中以权谋私|合作单位选择和经费使用由个人决定|一级|是
""", _K),
    "副主任": _DEPUTY + _rows("""
制度机制|公务接待审批把关不严|超标准、超范围安排接待，无公函接待|二级|否
""", _K),
    "副处长": _DEPUTY,
    "文秘": _rows("""
岗位职责|公文处理中泄露未公开信息|文件正式印发前向无关人员透露人事、奖惩等敏感信息|二级|否
岗位职责|会议材料及督办事项把关不严|督办事项反馈不实，代为“美化”落实情况|三级|否
""", _K),
    "机要档案": _rows("""
岗位职责|违规使用印章或出具证明|未经审批用印，在空白纸张上盖章，为他人出具不实证明|二级|否
岗位职责|档案借阅管理不严|违规借阅、复制、涂改档案材料|三级|否
""", _K),
    "公务用车管理": _rows("""
岗位职责|公车私用、违规派车|为个人或亲友私事派车，虚报里程、油耗|二级|否
制度机制|车辆维修保养费用审核不严|与维修点串通虚增维修项目，以次充好|二级|否
外部环境|接受定点维修单位好处|收受维修厂商回扣、加油卡|二级|否
""", _K),
    "人事调配": _rows("""
岗位职责|公开招聘中资格审查不严|放宽报考条件，为特定人员“量身定制”岗位条件|二级|否
岗位职责|泄露招聘考试试题或面试信息|向考生透露面试考官名单、试题|二级|否
外部环境|受托为他人调动、招聘提供便利|收受请托人财物，在人员调入中打招呼、递条子|二级|否
""", _K),
    "薪酬福利": _rows("""
岗位职责|工资津贴核定不准确|擅自提高或降低个人工资档次，违规发放津贴补贴|二级|否
制度机制|社保公积金缴费基数核定把关不严|虚报缴费基数，为不符合条件人员办理|三级|否
""", _K),
    "干部管理与党员发展": _rows("""
岗位职责|干部档案审核把关不严|对“三龄两历”审核不细，涂改、造假档案材料未发现|二级|否
岗位职责|发展党员程序不规范|降低标准、简化程序发展党员|二级|否
""", _K),
    "考务管理": _rows("""
岗位职责|试卷保密管理不严|试卷印制、保管、运送环节泄题|二级|否
岗位职责|考试违纪处理不公|对违纪考生“大事化小”，不按规定上报处理|二级|否
外部环境|受托在监考安排、考场编排中给予照顾|为熟人安排“宽松”考场|三级|否
""", _K),
    "教材管理": _rows("""
岗位职责|教材选用和征订中收受回扣|指定书商、出版社，收受好处费|二级|否
制度机制|教材验收、结算把关不严|数量、折扣与合同不符未及时纠正|三级|否
""", _K),
    "学籍与成绩管理": _rows("""
岗位职责|违规修改学生成绩|未经审批在系统中修改成绩，为学生“补录”成绩|二级|否
岗位职责|学籍异动审核不严|为不符合条件的学生办理转专业、复学|二级|否
外部环境|受学生或家长请托|收受礼品后在毕业资格审核中放宽条件|二级|否
""", _K),
    "会计": _rows("""
岗位职责|报销审核把关不严|对无真实业务、超标准、票据不合规的支出予以报销|二级|否
制度机制|会计凭证和档案管理不规范|凭证附件不全，随意抽换会计资料|三级|否
""", _K),
    "出纳": _rows("""
岗位职责|利用收付款便利挪用资金|挪用现金或银行存款，公款私存|二级|否
制度机制|现金及银行账户对账不及时|未做到日清月结，账实不符未及时发现|三级|否
岗位职责|网银U盾、支付印鉴保管不当|一人保管全部支付印鉴，存在违规支付的可能|二级|否
""", _K),
    "收费管理": _rows("""
岗位职责|违规减免或截留学费|擅自为学生减免、缓交学费，收费不开票|二级|否
外部环境|受托在收费中给予照顾|收受学生家长好处后放宽缴费要求|三级|否
""", _K),
    "预算与资产核算": _rows("""
岗位职责|预算编制、调整不规范|预算编制不细化，随意调整预算用途|二级|否
制度机制|固定资产账实不符|资产入账不及时，报废处置不履行审批|三级|否
""", _K),
    "物资采购": _rows("""
岗位职责|采购中与供应商串通|化整为零规避招标，指定品牌，围标串标|二级|否
岗位职责|验收把关不严|以次充好、数量不足仍签字验收|二级|否
外部环境|收受供应商回扣|接受供应商宴请、礼品，收取“回扣”|二级|否
""", _K),
    "食堂与物业监管": _rows("""
岗位职责|服务质量考核流于形式|考核打分随意，对违约行为不扣款|三级|否
外部环境|接受承包商好处|收受食堂承包方、物业公司礼品，放松监管|二级|否
""", _K),
    "基建维修": _rows("""
岗位职责|工程项目招标中暗箱操作|泄露标底，设置排他性条件|一级|是
岗位职责|工程变更、签证审核不严|虚增工程量，随意变更设计|二级|否
外部环境|收受施工单位财物|接受施工方宴请、礼金|二级|否
""", _K),
    "招生录取": _rows("""
岗位职责|招生录取中违规操作|泄露录取信息，违规调整录取专业|二级|否
外部环境|受托在招生中给予照顾|收受考生家长财物，承诺“包录取”|二级|否
""", _K),
    "就业指导": _rows("""
岗位职责|就业数据统计不实|虚报就业率，伪造就业协议|三级|否
外部环境|接受用人单位好处|收受招聘单位礼品，违规推荐学生|三级|否
""", _K),
    "招生宣传": _rows("""
岗位职责|招生宣传经费使用不规范|虚列宣传费用，与中介机构违规合作|二级|否
外部环境|接受中介机构好处|收受生源中介“介绍费”|二级|否
""", _K),
    "党支部书记": _rows("""
岗位职责|发展党员把关不严|降低入党标准，程序不规范|二级|否
制度机制|党费收缴使用不规范|党费不按标准收缴，使用情况不公开|三级|否
思想道德|落实全面从严治党主体责任不到位|对党员违纪苗头性问题不提醒、不报告|三级|否
""", _K),
    "实训中心主任": _rows("""
岗位职责|实训设备、耗材采购验收不严|指定供应商，验收走过场|二级|否
制度机制|实训耗材管理不规范|耗材领用登记不全，公物私用|三级|否
外部环境|接受设备供应商好处|收受回扣，参加供应商安排的“考察”旅游|二级|否
""", _K),
    "实验室管理员": _rows("""
岗位职责|实验设备、耗材验收不严|设备参数与合同不符仍签字验收|二级|否
制度机制|实验室耗材管理不规范|耗材领用登记不全，公物私用|三级|否
""", _K),
    "专业教师": _rows("""
岗位职责|成绩评定中徇私|随意提高或降低学生成绩，为学生“捞分”|三级|否
外部环境|接受学生、家长礼品礼金|收受学生及家长的红包、购物卡|三级|否
岗位职责|推荐教材、教辅收取好处|向学生推销教辅资料从中获利|二级|否
思想道德|师德师风失范|有偿补课，学术不端|三级|否
""", _K),
    "教学秘书": _rows("""
岗位职责|成绩录入、修改不规范|未经审批修改成绩，录入错误不及时更正|二级|否
岗位职责|课时工作量统计不实|虚报、多报教师课时|三级|否
""", _K),
    "辅导员": _rows("""
岗位职责|奖助学金评定不公|评定程序不公开，优亲厚友，违规截留资助资金|二级|否
岗位职责|学生干部选拔、评优和入党推荐不公|收受学生好处后推荐|三级|否
外部环境|接受学生或家长请托|在违纪处分、考勤中徇私|三级|否
""", _K),
}

# -- measures (phase 3): by topic, chosen by the words of the risk --------------------------------------


@dataclass(frozen=True)
class _Topic:
    words: tuple[str, ...]
    key_link: str
    pre: tuple[str, ...]
    mid: tuple[str, ...]
    post: tuple[str, ...]
    procedure: str
    personal: tuple[str, ...]


_TOPICS = [
    _Topic(("三重一大", "说了算", "个人决定", "集体决策"), "决策",
           ("严格执行“三重一大”集体决策制度，议题会前充分酝酿、听取意见",
            "明确“三重一大”事项清单和决策规则，主要负责人末位表态"),
           ("会议记录完整，表决情况如实记载，纪委书记列席监督",
            "决策执行情况定期向党委会报告"),
           ("对违反集体决策程序的事项责令纠正，按规定追究责任",
            "每年对“三重一大”决策执行情况开展专项检查"),
           "提出议题→会前酝酿→集体讨论→表决形成决定→执行→督查反馈",
           ("坚持“三重一大”事项集体研究决定，不搞个人说了算，会前充分听取班子成员意见。",
            "严格执行议事规则，主动向分管领导报告重大事项，接受纪检监察监督。")),
    _Topic(("公车", "车辆", "派车", "油耗"), "执行",
           ("执行公务用车派车单制度，节假日车辆集中停放封存",),
           ("车辆安装定位系统，油耗、里程每月统计公示",),
           ("对公车私用按规定处理并追缴费用",),
           "用车申请→审批派车→出车登记→回场登记→费用结算",
           ("凭派车单出车，如实登记里程和油耗，车辆维修实行定点和审批。",)),
    _Topic(("采购", "招标", "验收", "供应商", "设备", "耗材", "工程", "维修", "标底", "施工"), "执行",
           ("严格执行政府采购和学院采购管理办法，采购需求由使用部门集体论证，不得指定品牌",
            "采购计划经集体研究后实施，达到限额的一律公开招标"),
           ("询价、招标全程留痕，纪检监察室现场监督",
            "验收实行使用部门、后勤管理处、财务处三方共同签字"),
           ("每季度抽查采购合同与验收记录，发现问题按规定追责",
            "不合格供应商列入黑名单，造成损失的追究经办人责任"),
           "需求论证→计划审批→公开采购→签订合同→三方验收→资料归档",
           ("严格按采购程序办事，不单独接触供应商，不指定品牌，验收坚持三方签字。",
            "主动公开采购信息，拒收供应商任何形式的礼品和回扣，接受纪检监察监督。")),
    # (before 经费 and 工资 below: 项目评审和经费分配不公 and 薪酬福利 were given a finance office's 核对银行账户和现金)
    _Topic(("项目评审", "课题", "科研", "立项", "结题", "经费分配"), "决策",
           ("项目申报、评审和经费分配办法经集体研究后公布，评审专家随机抽取并实行回避",),
           ("评审过程记录存档，评审结果和经费分配方案在校内公示",),
           ("对评审中打招呼、弄虚作假的取消资格并追究责任，项目经费使用接受审计",),
           "发布指南→申报→形式审查→专家评审→集体研究→公示→立项",
           ("参加项目评审严格执行回避规定，不为他人打招呼，评审意见实事求是。",)),
    _Topic(("薪酬", "福利", "工资", "津贴", "绩效", "社保", "公积金"), "执行",
           ("薪酬福利按学校核定的标准和程序发放，调整方案经集体研究",),
           ("工资、绩效核算实行经办、复核双人负责，发放明细向本人公开",),
           ("每年由财务处和审计部门核查发放情况，多发、错发的及时纠正追回",),
           "核定标准→核算→复核→审批→发放→公开明细",
           ("严格按标准核算薪酬福利，不擅自变更发放对象和金额，做到经办、复核分离。",)),
    _Topic(("报销", "资金", "预算", "收费", "挪用", "公款", "经费", "支付", "票据", "工资", "津贴", "学费", "缴费",
            "凭证", "印鉴", "资产", "账"), "监督检查",
           ("落实财务审批权限，大额资金支付严格按“三重一大”程序集体研究",
            "完善报销审核要点，票据不合规一律退回"),
           ("会计、出纳岗位分离，支付印鉴分人保管，审批流程在财务系统中全程留痕",
            "每月核对银行账户和现金，财务处长定期抽查"),
           ("每年接受内部审计，对违规支出及时追回并追究责任",
            "审计发现的问题限期整改，整改情况向分管领导报告"),
           "经办人申请→部门负责人审核→财务审核→分管领导审批→集体决策（大额）→支付→归档",
           ("严格执行财经纪律，不合规票据坚决不予报销，做到日清月结、账实相符。",
            "支付印鉴与密码器分人保管，每笔收付当日登记，主动接受审计监督。")),
    _Topic(("选拔任用", "招聘", "职称", "干部档案", "调动", "面试"), "决策",
           ("严格执行干部选拔任用和公开招聘的有关规定，方案经党委会集体研究",
            "招聘条件由党委会审定，不得设置排他性条件"),
           ("资格审查、考察、面试全程由纪检监察人员监督，面试考官临时抽取",
            "职称评审专家随机产生，评审过程录音录像"),
           ("结果公示，接受来信来访，对违规用人问题倒查追责",
            "对档案造假、材料造假的取消资格，严肃追究相关人员责任"),
           "制定方案→党委会研究→发布公告→资格审查→考试考察→公示→决定聘任",
           ("严守组织人事纪律，不泄露招聘、考察、评审信息，审核材料逐项核对并签字负责。",
            "涉及本人亲属的事项主动回避，不为他人打招呼、递条子。")),
    _Topic(("成绩", "考试", "试卷", "学籍", "考场", "课时", "调停课", "证书", "教材", "教辅", "监考"), "执行",
           ("完善成绩、考试和教材管理制度，成绩修改须经任课教师申请、系部审核、教务处审批",
            "命题、阅卷、教材选用实行集体研究和回避制度"),
           ("试卷专人保管、双人交接；成绩修改在系统中留痕，教务处每学期抽查",
            "教材征订结果在校内公示，接受师生监督"),
           ("对违规修改成绩、泄露试题的按教学事故认定并严肃处理",
            "每学期通报检查结果，问题突出的约谈部门负责人"),
           "申请→系部审核→教务处审批→系统操作留痕→存档备查",
           ("严守考试纪律和保密规定，成绩录入和修改严格按审批程序办理并留痕。",
            "不向学生推销教辅资料，不接受学生和家长的请托，公平公正评定成绩。")),
    _Topic(("奖助", "评优", "推荐", "党员", "评定", "选拔", "竞赛", "党费", "资助"), "决策",
           ("评定标准和名额提前公开，成立评审小组集体研究，评审人员实行回避",
            "严格执行发展党员和评优评先的条件与程序"),
           ("评定结果公示不少于5个工作日，公布监督电话",
            "支委会、评审小组会议如实记录，材料存档备查"),
           ("对反映的问题及时核查，弄虚作假的取消资格并追究责任",
            "每年开展一次评定工作回头看，发现问题及时纠正"),
           "公布条件→个人申请→班级（支部）评议→评审小组审核→公示→报批",
           ("评定工作坚持公开公平公正，材料和结果按规定公示，本人亲属参评时主动回避。",
            "严格按照条件和程序推荐，不接受任何形式的请托。")),
    _Topic(("印章", "用印", "公文", "证明", "借阅", "信息"), "执行",
           ("修订印章使用和档案管理办法，明确用印、借阅审批权限",
            "公文印发前严格保密审查，敏感信息限定知悉范围"),
           ("用印、借阅实行登记台账，办公室每月核对",
            "空白介绍信、证明材料统一编号，专人保管"),
           ("对违规用印、违规借阅的通报批评并责令整改",
            "发现泄密问题按保密规定严肃处理"),
           "申请→部门负责人审核→办公室审批→登记→办理→归档",
           ("用印一律凭审批单并登记，不在空白文件上盖章，严格遵守保密纪律。",
            "档案借阅、复制严格履行审批手续，做到件件有登记。")),
    _Topic(("接待",), "执行",
           ("严格执行公务接待标准，无公函一律不予接待",),
           ("接待实行公函、审批单、接待清单“三单”报销，办公室每月核对",),
           ("对超标准、超范围接待的通报批评，超支费用由个人承担",),
           "接待申请→审批接待方案→按标准安排→填写接待清单→审核报销",
           ("接待严格按标准执行，做到有公函、有审批、有清单。",)),
    _Topic(("礼品", "礼金", "宴请", "回扣", "好处", "请托", "人情", "中介"), "监督检查",
           ("签订廉洁从业承诺书，开展警示教育",
            "与服务对象、合作单位签订廉洁协议"),
           ("节假日前发送廉洁提醒，畅通举报渠道",
            "纪检监察室不定期回访服务对象"),
           ("收受的礼品礼金按规定上交登记，情节严重的移交纪检监察室处理",
            "对违反承诺的，按规定给予组织处理并通报"),
           "廉洁承诺→节点提醒→接受监督→问题核查→处理通报",
           ("严格遵守中央八项规定精神，拒收礼品礼金，无法拒收的按规定上交登记。",
            "不参加可能影响公正执行公务的宴请，对请托事项一律按原则办理并及时报告。")),
]
_DEFAULT_TOPIC = _Topic((), "考核",
                        ("加强政治理论和党纪法规学习，落实“一岗双责”",
                         "完善本岗位工作制度和办事流程，明确权限和时限"),
                        ("部门每季度开展一次廉政风险自查，关键岗位定期交流",
                         "办事结果公开，接受师生监督"),
                        ("将廉政风险防控纳入年度考核，对问题突出的约谈提醒",
                         "自查发现的问题建立台账，限期整改"),
                        "学习教育→自查自纠→季度检查→年度考核",
                        ("坚持每月参加政治理论和党纪法规学习，撰写学习心得，筑牢拒腐防变思想防线。",
                         "严格按制度和流程办事，主动公开办事结果，虚心接受同事和师生监督。"))


def _topic(risk: str) -> _Topic:
    return next((t for t in _TOPICS if any(w in risk for w in t.words)), _DEFAULT_TOPIC)


_DEADLINES_DEPT = ("长期坚持", "2023年5月31日前", "2023年6月30日前", "每学期")
_DEADLINES_PERSON = ("长期坚持", "2023年6月30日前", "每学期", "长期")

# -- delivery -----------------------------------------------------------------------------------------


def _at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(YEAR, month, day, hour, minute, tzinfo=CST)


class _GbkZipInfo(zipfile.ZipInfo):
    """A member name stored as gb18030 bytes without the UTF-8 flag (0x800), as Windows Chinese zip tools do."""

    __slots__ = ()

    def _encodeFilenameFlags(self):  # noqa: N802 - overrides zipfile's private hook
        return self.filename.encode("gb18030"), self.flag_bits & ~0x800


class _Inbox:
    """Writes returned files under inbox/ with fixed contents and fixed file times."""

    def __init__(self, root: Path):
        self.inbox = root / "inbox"

    def put(self, rel: str, data: bytes, when: datetime) -> Path:
        path = self.inbox / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        ts = when.timestamp()
        os.utime(path, (ts, ts))
        return path

    def zip(self, rel: str, members: list[tuple[str, bytes]], when: datetime, *, gbk: bool = False) -> Path:
        buf = io.BytesIO()
        stamp = when.astimezone(CST).timetuple()[:6]
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in members:
                info = (_GbkZipInfo if gbk else zipfile.ZipInfo)(name, date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 0 if gbk else 3
                info.external_attr = 0x20 if gbk else (0o644 << 16)
                zf.writestr(info, data)
        return self.put(rel, buf.getvalue(), when)

    def mail(self, rel: str, *, sender: tuple[str, str], subject: str, when: datetime, body: str,
             attachments: list[tuple[str, bytes]], names: str, message_id: str) -> Path:
        """One returned mail as an .eml file. names = "rfc2231": a modern client (stdlib EmailMessage:
        UTF-8, filename*=utf-8''…, continued over several lines when long); names = "rfc2047": the way
        many Chinese clients write (GBK body, and =?GBK?B?…?= inside the quoted name/filename parameters,
        which EmailMessage would rewrite, so that mail is put together with email.mime)."""
        display, address = sender
        to = f"廉政风险防控工作领导小组办公室 <{CONTACT}>"
        boundary = f"----=_Part_{message_id.strip('<>').split('@')[0]}"
        if names == "rfc2047":
            msg: Message = MIMEMultipart(boundary=boundary)
            msg["From"] = f"{_rfc2047(display)} <{address}>"
            msg["To"] = f"{_rfc2047('廉政风险防控工作领导小组办公室')} <{CONTACT}>"
            msg["Subject"] = _rfc2047(subject)
            msg["Date"] = email_utils.format_datetime(when)
            msg["Message-ID"] = message_id
            msg["X-Mailer"] = "Foxmail 7.2.25.228[cn]"
            msg.attach(MIMEText(body, "plain", "gbk"))
            for filename, data in attachments:
                part = MIMEApplication(data, XLSX_MIME[1], name=_rfc2047(filename))
                part.add_header("Content-Disposition", "attachment", filename=_rfc2047(filename))
                msg.attach(part)
        else:
            msg = EmailMessage()
            msg["From"] = f"{display} <{address}>"
            msg["To"] = to
            msg["Subject"] = subject
            msg["Date"] = email_utils.format_datetime(when)
            msg["Message-ID"] = message_id
            msg.set_content(body)
            for filename, data in attachments:
                msg.add_attachment(data, *XLSX_MIME, filename=filename)
            msg.set_boundary(boundary)
        return self.put(rel, msg.as_bytes(), when)


def _rfc2047(text: str) -> str:
    """One GBK encoded-word, unfolded, as Foxmail and many webmail clients write it."""
    return "=?GBK?B?" + base64.b64encode(text.encode("gbk")).decode("ascii") + "?="


# -- the planted mistakes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Planted:
    """A mistake written on purpose into one returned form, and where formkit should report it."""
    form: str
    department: str
    person: str | None
    code: str
    sheet: str | None
    cell: str | None   # A1 in the submitter's own file; None for findings about the whole file
    status: str        # the status its input should end with
    note: str


def _cell(form: str, row: int | None, key: str) -> str:
    return Layout(load_forms()[form], 0).a1(row, key)


def planted_findings() -> list[Planted]:
    return [
        Planted("附件3", "DZB", "韩磊", "level-normalised", "附件3", _cell("附件3", 0, "level"), "accepted",
                "风险等级写成“高”，按一级读取"),
        Planted("附件3", "ZZRS", "曹宇", "level-normalised", "附件3", _cell("附件3", 1, "level"), "accepted",
                "风险等级写成数字 2（压缩包内，GBK 文件名），按二级读取"),
        Planted("附件3", "JDX", "范志远", "invalid-level", "附件3", _cell("附件3", 1, "level"), "returned",
                "风险等级写成“四级”"),
        Planted("附件3", "XXX", "汪洋", "required", "附件3", _cell("附件3", 2, "risk"), "returned",
                "第 3 行风险点没有填写"),
        Planted("附件3", "JWC", "萧然", "invalid-level", "附件3", _cell("附件3", 0, "level"), "superseded",
                "第一封邮件中风险等级写成“中高”，一周后重发更正"),
        Planted("附件4", "CWC", None, "major-not-level1", "附件4", _cell("附件4", 1, "level"), "accepted",
                "大额资金支付涉及“三重一大”却评为二级"),
        Planted("附件4", "HQ", None, "power-item-unknown", "附件4", _cell("附件4", 3, "power_item"), "accepted",
                "关联权力事项“零星维修审批”不在后勤管理处的附件2中"),
        Planted("附件2", "DZB", None, "date-as-text", "附件2", _cell("附件2", None, "date"), "accepted",
                "填报日期写成文本“2023/3/15”"),
        Planted("附件3", "XXX", "秦宇航", "identity-missing", "Sheet1", None, "accepted",
                "内容复制到新建工作簿，隐藏标识全部丢失，按标题和表头识别"),
        Planted("附件3", "DZB", "郑凯", "duplicate-file", None, None, "duplicate",
                "同一文件发了两次（“附件3重发”文件夹里是字节完全相同的一份）"),
        # (财务处's five risks, one row deleted: named where the missing row is to be added, under the four left)
        Planted("附件6", "CWC", None, "risk-without-measure", "附件6", _cell("附件6", 4, "measure"), "returned",
                "删掉了一行预填的风险点，该风险没有防控措施"),
    ]


# people and departments that send nothing
_SILENT_DEPARTMENTS = {"ZSJY"}
_SILENT_PEOPLE = {"袁芳"}
# phase 3: who has not sent measures yet
_NO_MEASURES_PEOPLE = {"许文静", "石磊", "胡秀兰"}
_NO_MEASURES_DEPARTMENTS = {"XXX"}


# -- building -----------------------------------------------------------------------------------------


class _Builder:
    def __init__(self, root: Path):
        self.rng = random.Random(SEED)
        self.forms = load_forms()
        self.box = _Inbox(root)
        self.cfg: Config = load_config(root)

    # workbooks as bytes
    def form(self, form_id: str, dept: Department | None, person: Person | None, content: FormContent,
             risks: tuple[str, ...] = ()) -> bytes:
        spec = self.forms[form_id]
        buf = io.BytesIO()
        write_form(buf, spec, self.cfg, identity_for(spec, self.cfg, dept, person, risks), content, department=dept)
        return buf.getvalue()

    def dept(self, code: str) -> Department:
        return self.cfg.roster.departments[code]

    def people(self, code: str) -> list[Person]:
        return self.cfg.roster.people_of(code)

    def person(self, name: str) -> Person:
        return next(p for p in self.cfg.roster.staff if p.name == name)

    def approver(self, person: Person) -> str:
        dept = self.dept(person.department)
        if person.rank in ("中层干部", "党支部书记"):   # 中层干部 and 党支部书记: their 主管领导
            return dept.leader
        return dept.head

    # -- phase 2 content ---------------------------------------------------------------------------

    def leadership(self) -> bytes:
        rows = [dict(r) for r in _LEADERSHIP]
        content = FormContent(header={"filler": "徐静", "date": date(YEAR, 2, 24)}, rows=rows,
                              signoff={"approver": "赵国栋", "approve_date": date(YEAR, 2, 27)})
        return self.form("附件1", None, None, content)

    def powers(self, code: str, filled: date, *, date_text: str | None = None) -> bytes:
        dept = self.dept(code)
        spec = self.forms["附件2"]
        filler = next((p for p in self.people(code) if p.rank != "中层干部"), self.people(code)[0])
        header = {**header_prefill(spec, self.cfg, dept, None), "filler": filler.name,
                  "phone": f"{6100 + 100 * list(self.cfg.roster.departments).index(code) + 10}",
                  "date": date_text or filled}
        rows = [dict(r) for r in POWERS[code]]
        signoff = {"head_sign": dept.head, "approver": dept.leader, "approve_date": filled + timedelta(days=2)}
        return self.form("附件2", dept, None, FormContent(header=header, rows=rows, signoff=signoff))

    def dept_risks(self, code: str, filled: date) -> bytes:
        dept = self.dept(code)
        spec = self.forms["附件4"]
        rows: list[dict[str, object]] = [dict(r) for r in DEPT_RISKS[code]]
        header = {**header_prefill(spec, self.cfg, dept, None), "date": filled}
        signoff = {"head_sign": dept.head, "approver": dept.leader, "approve_date": filled + timedelta(days=2)}
        return self.form("附件4", dept, None, FormContent(header=header, rows=rows, signoff=signoff))

    def personal_rows(self, person: Person) -> list[dict[str, object]]:
        """2–4 risks: most from the person's post, the rest from what every post shares."""
        pool = PERSONAL.get(person.post, [])
        total = self.rng.choice((2, 3, 3, 4))
        picked = self.rng.sample(pool, min(len(pool), total - self.rng.choice((0, 1))))
        picked += self.rng.sample(_GENERAL, total - len(picked))
        rows = []
        for r in picked:
            row: dict[str, object] = {k: r[k] for k in ("category", "risk", "manifest", "level")}
            # 涉及“三重一大”: always answered when it does; otherwise some write 否, some leave it empty
            row["major"] = r["major"] if r["major"] == "是" or self.rng.random() < 0.6 else ""
            rows.append(row)
        return rows

    def personal(self, person: Person, filled: date, rows: list[dict[str, object]]) -> bytes:
        dept = self.dept(person.department)
        spec = self.forms["附件3"]
        header = {**header_prefill(spec, self.cfg, dept, person), "date": filled}
        signoff = {"self_sign": person.name, "approver": self.approver(person),
                   "approve_date": filled + timedelta(days=1)}
        return self.form("附件3", dept, person, FormContent(header=header, rows=rows, signoff=signoff))

    def personal_copied(self, person: Person, filled: date, rows: list[dict[str, object]]) -> bytes:
        """The same form retyped into a brand-new workbook (WPS 新建 + paste): title, labels and table are
        there, but none of the identity carriers (_meta sheet, document properties, defined name)."""
        spec = self.forms["附件3"]
        dept = self.dept(person.department)
        lay = Layout(spec, len(rows))
        buf = io.BytesIO()
        wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                       "strings_to_numbers": False})
        wb.set_properties({"author": person.name, "created": datetime(filled.year, filled.month, filled.day, 10, 0)})
        ws = wb.add_worksheet("Sheet1")
        bold = wb.add_format({"bold": True, "font_name": "宋体"})
        title = wb.add_format({"bold": True, "font_size": 16, "font_name": "宋体", "align": "center"})
        boxed = wb.add_format({"border": 1, "text_wrap": True, "font_name": "宋体"})
        datef = wb.add_format({"num_format": "yyyy-mm-dd", "font_name": "宋体", "border": 1})
        ws.write_string(0, 0, spec.id, bold)
        ws.merge_range(TITLE_ROW, 0, TITLE_ROW, lay.ncols - 1, f"{self.cfg.institution}{spec.title}", title)
        values = {**header_prefill(spec, self.cfg, dept, person), "date": filled}
        for f in spec.header:
            r, c = lay.labels[f.key]
            ws.write_string(r, c, f.label, bold)
            v = values.get(f.key, "")
            if isinstance(v, date):
                ws.write_datetime(r, c + 1, datetime(v.year, v.month, v.day), datef)
            else:
                ws.write_string(r, c + 1, str(v), boxed)
        for i, col in enumerate(spec.columns):
            ws.set_column(i, i, col.width)
            ws.write_string(lay.table_row, i, col.label, bold)
        for n, row in enumerate(rows):
            for i, col in enumerate(spec.columns):
                v = n + 1 if col.type == "seq" else row.get(col.key, "")
                if isinstance(v, int):
                    ws.write_number(lay.first_data + n, i, v, boxed)
                else:
                    ws.write_string(lay.first_data + n, i, str(v), boxed)
        for f in spec.signoff:
            r, c = lay.signoff_labels[f.key]
            ws.write_string(r, c, f.label, bold)
        r, c = lay.signoff_labels["self_sign"]
        ws.write_string(r, c + 1, person.name)
        wb.close()
        return buf.getvalue()

    # -- phase 2 delivery --------------------------------------------------------------------------

    def risk_stage(self) -> None:
        forms, box = self.forms, self.box
        a2, a3, a4 = forms["附件2"], forms["附件3"], forms["附件4"]
        box.put(form_file_name(forms["附件1"], self.cfg.institution), self.leadership(), _at(2, 27, 16, 20))

        personal: dict[str, list[dict[str, object]]] = {}
        for p in self.cfg.roster.staff:
            personal[p.name] = self.personal_rows(p)

        def filled(day: int) -> date:
            return date(YEAR, 3, day)

        # 党政办公室: plain files, the 填报日期 of 附件2 typed as text; one personal form sent twice.
        code, dept = "DZB", self.dept("DZB")
        folder = dept.name
        box.put(f"{folder}/{form_file_name(a2, dept.name)}", self.powers(code, filled(15), date_text="2023/3/15"),
                _at(3, 16, 10, 5))
        box.put(f"{folder}/{form_file_name(a4, dept.name)}", self.dept_risks(code, filled(17)), _at(3, 17, 15, 30))
        for i, p in enumerate(self.people(code)):
            rows = personal[p.name]
            if p.name == "韩磊":
                rows[0]["level"] = "高"
            data = self.personal(p, filled(14 + i), rows)
            name = form_file_name(a3, f"{p.name}_{p.staff_no}")
            box.put(f"{folder}/{name}", data, _at(3, 14 + i, 11, 10 * i))
            if p.name == "郑凯":
                box.put(f"{folder}/附件3重发/{name}", data, _at(3, 22, 8, 45))

        # 组织人事处: everything in one zip made by a Windows Chinese zip tool (GBK member names).
        code, dept = "ZZRS", self.dept("ZZRS")
        members = [(f"组织人事处廉政风险材料/附件2 部门权力清单（{dept.name}）.xlsx", self.powers(code, filled(20))),
                   (f"组织人事处廉政风险材料/附件4 部门岗位风险点自查表（{dept.name}）.xlsx",
                    self.dept_risks(code, filled(20)))]
        for i, p in enumerate(self.people(code)):
            rows = personal[p.name]
            if p.name == "曹宇":
                rows[1]["level"] = 2
            members.append((f"组织人事处廉政风险材料/个人自查表/{p.name}.xlsx", self.personal(p, filled(16 + i), rows)))
        box.zip(f"{dept.name}/组织人事处廉政风险排查材料.zip", members, _at(3, 23, 17, 40), gbk=True)

        # 教务处: two mails; 萧然's level is wrong in the first and corrected a week later.
        code, dept = "JWC", self.dept("JWC")
        sender = ("教务处", "jwc@example.edu.cn")
        attachments = [("附件2 教务处权力清单.xlsx", self.powers(code, filled(18))),
                       ("附件4 教务处岗位风险点自查表.xlsx", self.dept_risks(code, filled(18)))]
        for i, p in enumerate(self.people(code)):
            rows = [dict(r) for r in personal[p.name]]
            if p.name == "萧然":
                rows[0]["level"] = "中高"
            attachments.append((f"附件3 {p.name}个人岗位风险点自查表.xlsx", self.personal(p, filled(15 + i), rows)))
        box.mail(f"{dept.name}/教务处廉政风险排查材料.eml", sender=sender,
                 subject="教务处廉政风险排查材料（附件2、3、4）", when=_at(3, 20, 9, 12),
                 body="领导小组办公室：\n\n    附件为教务处权力清单、部门岗位风险点自查表及个人自查表，请审核。\n\n教务处\n2023年3月20日\n",
                 attachments=attachments, names="rfc2047", message_id="<20230320091200.jwc@example.edu.cn>")
        xr = self.person("萧然")
        box.mail(f"{dept.name}/回复：萧然个人自查表（更正）.eml", sender=sender,
                 subject="回复：萧然个人自查表（更正）", when=_at(3, 27, 14, 35),
                 body="领导小组办公室：\n\n    萧然的个人自查表风险等级填写有误，现更正后重新报送，以此件为准。\n\n教务处\n",
                 attachments=[("附件3 萧然个人岗位风险点自查表（更正）.xlsx",
                               self.personal(xr, filled(27), personal[xr.name]))],
                 names="rfc2231", message_id="<20230327143500.jwc@example.edu.cn>")

        # 财务处: one ordinary zip (UTF-8 member names); 大额资金支付 marked 三重一大 but 二级.
        code, dept = "CWC", self.dept("CWC")
        members = [(form_file_name(a2, dept.name), self.powers(code, filled(21))),
                   (form_file_name(a4, dept.name), self.dept_risks(code, filled(21)))]
        for i, p in enumerate(self.people(code)):
            members.append((f"个人/{form_file_name(a3, f'{p.name}_{p.staff_no}')}",
                            self.personal(p, filled(17 + i), personal[p.name])))
        box.zip("财务处廉政风险材料.zip", members, _at(3, 24, 16, 0))

        # 后勤管理处: plain; one 附件4 row names a power item its 附件2 does not list; 袁芳 sends nothing.
        code, dept = "HQ", self.dept("HQ")
        folder = dept.name
        box.put(f"{folder}/{form_file_name(a2, dept.name)}", self.powers(code, filled(22)), _at(3, 22, 16, 48))
        box.put(f"{folder}/{form_file_name(a4, dept.name)}", self.dept_risks(code, filled(22)), _at(3, 22, 16, 50))
        for i, p in enumerate(self.people(code)):
            if p.name in _SILENT_PEOPLE:
                continue
            box.put(f"{folder}/{form_file_name(a3, f'{p.name}_{p.staff_no}')}",
                    self.personal(p, filled(19 + i), personal[p.name]), _at(3, 19 + i, 14, 5))

        # 机电工程系: files renamed by the department; 范志远 writes 四级.
        code, dept = "JDX", self.dept("JDX")
        folder = dept.name
        box.put(f"{folder}/机电系权力清单(定稿).xlsx", self.powers(code, filled(24)), _at(3, 24, 18, 2))
        box.put(f"{folder}/机电系风险点(终稿).xlsx", self.dept_risks(code, filled(28)), _at(3, 28, 20, 16))
        names = {"杨志强": "杨志强-个人风险点自查表.xlsx", "魏红梅": "魏红梅自查表.xlsx", "姜涛": "附件3 姜涛.xlsx",
                 "范志远": "范志远 个人岗位风险点自查表.xlsx", "方静": "方静.xlsx", "任俊杰": "任俊杰-附件3.xlsx"}
        for i, p in enumerate(self.people(code)):
            rows = personal[p.name]
            if p.name == "范志远":
                rows[1]["level"] = "四级"
            box.put(f"{folder}/个人自查表/{names[p.name]}", self.personal(p, filled(20 + i), rows),
                    _at(3, 20 + i, 21, 3 * i))

        # 信息工程系: plain; 汪洋 leaves a 风险点 empty; 秦宇航 retyped his form into a new workbook.
        code, dept = "XXX", self.dept("XXX")
        folder = dept.name
        box.put(f"{folder}/{form_file_name(a2, dept.name)}", self.powers(code, filled(23)), _at(3, 23, 11, 0))
        box.put(f"{folder}/{form_file_name(a4, dept.name)}", self.dept_risks(code, filled(23)), _at(3, 23, 11, 2))
        for i, p in enumerate(self.people(code)):
            rows = personal[p.name]
            when = _at(3, 21 + i, 9, 30)
            if p.name == "秦宇航":
                box.put(f"{folder}/秦宇航-个人风险点自查表.xlsx", self.personal_copied(p, filled(21 + i), rows), when)
                continue
            if p.name == "汪洋":
                spare = [g for g in _GENERAL if g["risk"] not in {r["risk"] for r in rows}]
                rows += [{**g, "major": "否"} for g in spare[:3 - len(rows)]]
                rows[2] = {**rows[2], "risk": ""}
            box.put(f"{folder}/{form_file_name(a3, f'{p.name}_{p.staff_no}')}",
                    self.personal(p, filled(21 + i), rows), when)

    # -- phase 3 -----------------------------------------------------------------------------------

    def measure_stage(self) -> None:
        from formkit.pipeline import analyse

        analysis = analyse(self.cfg)
        a5, a6 = self.forms["附件5"], self.forms["附件6"]
        rng = self.rng
        for code, dept in self.cfg.roster.departments.items():
            if code in _SILENT_DEPARTMENTS:
                continue
            folder = f"{dept.name}/{MEASURES_FOLDER}"
            rows = analysis.measure_rows(a6, code, None)
            if rows and code not in _NO_MEASURES_DEPARTMENTS:
                ids = tuple(str(r["risk_id"]) for r in rows)
                filled_rows = []
                for r in rows:
                    t = _topic(str(r["risk"]))
                    key_link = "决策" if r["level"] == "一级" else t.key_link
                    filled_rows.append({
                        **r, "key_link": key_link,
                        "measure": f"前期预防：{rng.choice(t.pre)}；中期监控：{rng.choice(t.mid)}；"
                                   f"后期处置：{rng.choice(t.post)}。",
                        "procedure": t.procedure, "deadline": rng.choice(_DEADLINES_DEPT)})
                if code == "CWC":   # the department deleted one pre-filled row: that risk has no measure
                    del filled_rows[2]
                header = {**header_prefill(a6, self.cfg, dept, None), "date": date(YEAR, 4, 20)}
                signoff = {"head_sign": dept.head, "approver": dept.leader, "approve_date": date(YEAR, 4, 24)}
                content = FormContent(header=header, rows=filled_rows, signoff=signoff,
                                      prefilled_rows=len(filled_rows))
                self.box.put(f"{folder}/{form_file_name(a6, dept.name)}", self.form("附件6", dept, None, content, ids),
                             _at(4, 25, 10, 0))
            for i, p in enumerate(self.people(code)):
                rows = analysis.measure_rows(a5, code, p)
                if not rows or p.name in _NO_MEASURES_PEOPLE:
                    continue
                filled_rows = [{**r, "measure": rng.choice(_topic(str(r["risk"])).personal),
                                "deadline": rng.choice(_DEADLINES_PERSON)} for r in rows]
                header = {**header_prefill(a5, self.cfg, dept, p), "date": date(YEAR, 4, 10 + i)}
                signoff = {"self_sign": p.name, "approver": self.approver(p), "approve_date": date(YEAR, 4, 12 + i)}
                when = _at(4, 12 + i, 15, 0)
                name = form_file_name(a5, f"{p.name}_{p.staff_no}")
                if p.name == "唐亮":   # a blank 附件5: risks copied by hand, matched by their text
                    blank = [{"risk": r["risk"], "level": r["level"], "measure": f["measure"],
                              "deadline": f["deadline"]} for r, f in zip(rows, filled_rows, strict=True)]
                    blank[0]["risk"] = f"存在{blank[0]['risk']}的问题"   # retyped, not copied word for word
                    content = FormContent(header=header, rows=blank, signoff=signoff)
                    self.box.put(f"{folder}/唐亮 附件5 个人岗位风险防控措施表.xlsx",
                                 self.form("附件5", dept, p, content), when)
                    continue
                ids = tuple(str(r["risk_id"]) for r in rows)
                content = FormContent(header=header, rows=filled_rows, signoff=signoff, prefilled_rows=len(rows))
                self.box.put(f"{folder}/{name}", self.form("附件5", dept, p, content, ids), when)


def build_demo(root: Path) -> None:
    """Write the demo campaign into root: formkit.toml, 名册.xlsx and a realistic inbox/ (phases 2 and 3)."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    workspace.write_config(root, institution=INSTITUTION, main_leader=MAIN_LEADER, campaign=CAMPAIGN, year=YEAR,
                           contact=CONTACT)
    workspace.write_roster(root / "名册.xlsx", roster_departments(), [list(s) for s in STAFF])
    (root / "outbox").mkdir(exist_ok=True)
    builder = _Builder(root)
    for dept in builder.cfg.roster.departments.values():   # phase 3 lives in <部门>/防控措施/: analysed fresh
        shutil.rmtree(builder.box.inbox / dept.name / MEASURES_FOLDER, ignore_errors=True)
    builder.risk_stage()
    builder.measure_stage()


__all__ = ["Planted", "build_demo", "planted_findings"]
