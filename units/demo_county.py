"""示例县, the demo county, as data: its groups, units, cadres, responsibilities, leading
group and one login per role. units.demo builds it through the services."""

from __future__ import annotations

from typing import NamedTuple

from units import roles
from units.models import LeadingGroup, LeadingGroupMember, Responsibility, Unit

COUNTY = Unit.Kind.COUNTY
DEPT = Unit.Kind.DEPARTMENT
DIVISION = Unit.Kind.DIVISION
SUB = Unit.Kind.SUBORDINATE
TOWN = Unit.Kind.TOWNSHIP
WINDOW = Unit.Kind.SERVICE_WINDOW

FIRST = Responsibility.Role.FIRST_RESPONSIBLE
PRINCIPAL = Responsibility.Role.PRINCIPAL
IN_CHARGE = Responsibility.Role.LEADER_IN_CHARGE
LIAISON = Responsibility.Role.LIAISON

# 考核组别: (key, name, description). Units are ranked within their group and overall.
GROUPS = (
    ("ZH", "综合管理部门", "县政府办公室及综合经济、社会事业管理部门。"),
    ("ZF", "执法监管部门", "承担行政执法和市场、行业监管职责的部门及其执法机构。"),
    ("CK", "窗口服务单位", "直接面向群众和企业办事的窗口单位。"),
    ("XZ", "乡镇", "各乡（镇）人民政府。"),
)

# The organisation tree, parents first: (code, parent code, name, short name, kind, group).
# 机关处室 have no group of their own: they are assessed inside their department, not
# ranked against whole departments.
UNITS = (
    ("SLX", None, "示例县", "", COUNTY, None),
    # 综合管理部门
    ("SLX-ZFB", "SLX", "县人民政府办公室", "县政府办", DEPT, "ZH"),
    ("SLX-FGJ", "SLX", "县发展和改革局", "县发改局", DEPT, "ZH"),
    ("SLX-FGJ-BGS", "SLX-FGJ", "县发展和改革局办公室", "办公室", DIVISION, None),
    ("SLX-FGJ-ZCFGG", "SLX-FGJ", "县发展和改革局政策法规股", "政策法规股", DIVISION, None),
    ("SLX-CZJ", "SLX", "县财政局", "", DEPT, "ZH"),
    ("SLX-CZJ-GKZX", "SLX-CZJ", "县财政国库支付中心", "国库支付中心", SUB, "ZH"),
    ("SLX-RSJ", "SLX", "县人力资源和社会保障局", "县人社局", DEPT, "ZH"),
    ("SLX-TJJ", "SLX", "县统计局", "", DEPT, "ZH"),
    ("SLX-JYJ", "SLX", "县教育局", "", DEPT, "ZH"),
    ("SLX-JYJ-BGS", "SLX-JYJ", "县教育局办公室", "办公室", DIVISION, None),
    ("SLX-JYJ-JCJYG", "SLX-JYJ", "县教育局基础教育股", "基础教育股", DIVISION, None),
    ("SLX-WJW", "SLX", "县卫生健康委员会", "县卫健委", DEPT, "ZH"),
    # 执法监管部门
    ("SLX-GAJ", "SLX", "县公安局", "", DEPT, "ZF"),
    ("SLX-ZRJ", "SLX", "县自然资源局", "", DEPT, "ZF"),
    ("SLX-HBJ", "SLX", "县生态环境局", "", DEPT, "ZF"),
    ("SLX-ZJJ", "SLX", "县住房和城乡建设局", "县住建局", DEPT, "ZF"),
    ("SLX-JTJ", "SLX", "县交通运输局", "", DEPT, "ZF"),
    ("SLX-NYJ", "SLX", "县农业农村局", "", DEPT, "ZF"),
    ("SLX-SCJ", "SLX", "县市场监督管理局", "县市场监管局", DEPT, "ZF"),
    ("SLX-SCJ-BGS", "SLX-SCJ", "县市场监督管理局办公室", "办公室", DIVISION, None),
    ("SLX-SCJ-ZFDD", "SLX-SCJ", "县市场监管综合行政执法大队", "执法大队", SUB, "ZF"),
    ("SLX-SCJ-CGS", "SLX-SCJ", "城关市场监督管理所", "城关所", SUB, "ZF"),
    ("SLX-YJJ", "SLX", "县应急管理局", "", DEPT, "ZF"),
    # 窗口服务单位
    ("SLX-SPJ", "SLX", "县行政审批局", "县审批局", DEPT, "CK"),
    ("SLX-ZWZX", "SLX", "县政务服务中心", "", WINDOW, "CK"),
    ("SLX-SWJ", "SLX", "县税务局", "", DEPT, "CK"),
    ("SLX-YBJ", "SLX", "县医疗保障局", "县医保局", DEPT, "CK"),
    ("SLX-ZRJ-BDC", "SLX-ZRJ", "县不动产登记中心", "", WINDOW, "CK"),
    ("SLX-RSJ-SBZX", "SLX-RSJ", "县社会保险事业服务中心", "县社保中心", WINDOW, "CK"),
    ("SLX-GAJ-CGS", "SLX-GAJ", "县公安局交通管理大队车辆管理所", "车管所", WINDOW, "CK"),
    ("SLX-WJW-RMYY", "SLX-WJW", "县人民医院", "", WINDOW, "CK"),
    # 乡镇
    ("SLX-CGZ", "SLX", "城关镇", "", TOWN, "XZ"),
    ("SLX-DGZ", "SLX", "东关镇", "", TOWN, "XZ"),
    ("SLX-XHX", "SLX", "西河乡", "", TOWN, "XZ"),
    ("SLX-NSZ", "SLX", "南山镇", "", TOWN, "XZ"),
    ("SLX-BPX", "SLX", "北坡乡", "", TOWN, "XZ"),
    ("SLX-QSZ", "SLX", "青石镇", "", TOWN, "XZ"),
    ("SLX-LLX", "SLX", "柳林乡", "", TOWN, "XZ"),
    ("SLX-XJZ", "SLX", "新集镇", "", TOWN, "XZ"),
)

# 干部: (name, title, phone, unit code). Names are unique within the demo, so the tables
# below refer to people by name.
PEOPLE = (
    # 县领导
    ("王建国", "县委书记", "13815881399", "SLX"),
    ("李明华", "县委副书记、县长", "13886987973", "SLX"),
    ("陈志刚", "县委常委、常务副县长", "13809114170", "SLX"),
    ("孙志强", "副县长", "13875364556", "SLX"),
    ("周丽娟", "副县长", "13881518844", "SLX"),
    ("吴海涛", "副县长", "13872940557", "SLX"),
    ("冯德胜", "副县长", "13861698716", "SLX"),
    # 县纪委监委
    ("刘红梅", "县委常委、县纪委书记、县监委主任", "13889768469", "SLX"),
    ("赵文斌", "县纪委副书记、县监委副主任", "13878809320", "SLX"),
    ("朱向东", "县纪委常委、县监委委员", "13881967273", "SLX"),
    ("吕春雷", "县纪委监委党风政风监督室主任", "13817784864", "SLX"),
    ("蔡晓明", "县纪委监委案件审理室主任", "13888766344", "SLX"),
    ("邱文", "县纪委监委党风政风监督室干部", "13800297875", "SLX"),
    ("郭晓峰", "县纪委监委派驻县市场监督管理局纪检监察组组长", "13806421735", "SLX"),
    # 综合管理部门
    ("马骏", "县政府办公室党组书记、主任", "13834778768", "SLX-ZFB"),
    ("何静", "县政府办公室综合股股长", "13804571784", "SLX-ZFB"),
    ("胡晓燕", "县政府办公室督查室主任", "13872671475", "SLX-ZFB"),
    ("张卫东", "县发展和改革局党组书记、局长", "13813627010", "SLX-FGJ"),
    ("黄丽", "县发展和改革局办公室主任", "13879819331", "SLX-FGJ-BGS"),
    ("林涛", "县发展和改革局政策法规股股长", "13890845205", "SLX-FGJ-ZCFGG"),
    ("杨秀英", "县财政局党组书记、局长", "13899728379", "SLX-CZJ"),
    ("许文博", "县财政局办公室主任", "13829841622", "SLX-CZJ"),
    ("曹宁", "县财政国库支付中心主任", "13894866283", "SLX-CZJ-GKZX"),
    ("邓志明", "县人力资源和社会保障局党组书记、局长", "13860161055", "SLX-RSJ"),
    ("彭雪", "县人力资源和社会保障局办公室主任", "13800875475", "SLX-RSJ"),
    ("范永刚", "县统计局党组书记、局长", "13817799229", "SLX-TJJ"),
    ("田甜", "县统计局办公室主任", "13883695793", "SLX-TJJ"),
    ("刘志远", "县教育局党组书记、局长", "13818603208", "SLX-JYJ"),
    ("宋佳", "县教育局办公室主任", "13807370283", "SLX-JYJ-BGS"),
    ("唐建华", "县教育局基础教育股股长", "13882226468", "SLX-JYJ-JCJYG"),
    ("高玉芳", "县卫生健康委员会党组书记、主任", "13861642524", "SLX-WJW"),
    ("罗斌", "县卫生健康委员会办公室主任", "13877647258", "SLX-WJW"),
    # 执法监管部门
    ("郑国栋", "县公安局党委书记、局长", "13877188413", "SLX-GAJ"),
    ("董海", "县公安局政治处主任", "13830175682", "SLX-GAJ"),
    ("于红军", "县自然资源局党组书记、局长", "13805258983", "SLX-ZRJ"),
    ("程丽", "县自然资源局办公室主任", "13819489394", "SLX-ZRJ"),
    ("姚振宇", "县生态环境局党组书记、局长", "13894821416", "SLX-HBJ"),
    ("崔莉", "县生态环境局办公室主任", "13821052185", "SLX-HBJ"),
    ("钱文忠", "县住房和城乡建设局党组书记、局长", "13849145244", "SLX-ZJJ"),
    ("龚艳", "县住房和城乡建设局办公室主任", "13810646001", "SLX-ZJJ"),
    ("郭亮", "县交通运输局党组书记、局长", "13830411895", "SLX-JTJ"),
    ("邹敏", "县交通运输局办公室主任", "13857990659", "SLX-JTJ"),
    ("石永福", "县农业农村局党组书记、局长", "13839761584", "SLX-NYJ"),
    ("廖春梅", "县农业农村局办公室主任", "13864506045", "SLX-NYJ"),
    ("张伟", "县市场监督管理局党组书记、局长", "13841465908", "SLX-SCJ"),
    ("李娜", "县市场监督管理局办公室主任", "13853801291", "SLX-SCJ-BGS"),
    ("陆建平", "县市场监管综合行政执法大队大队长", "13810285940", "SLX-SCJ-ZFDD"),
    ("秦峰", "城关市场监督管理所所长", "13869256663", "SLX-SCJ-CGS"),
    ("贺军", "县应急管理局党组书记、局长", "13863228088", "SLX-YJJ"),
    ("尹晓", "县应急管理局办公室主任", "13864230048", "SLX-YJJ"),
    # 窗口服务单位
    ("孔令华", "县行政审批局党组书记、局长", "13876452912", "SLX-SPJ"),
    ("白雪", "县行政审批局办公室主任", "13880845850", "SLX-SPJ"),
    ("段春燕", "县政务服务中心主任", "13803703826", "SLX-ZWZX"),
    ("雷鸣", "县政务服务中心综合科科长", "13853845355", "SLX-ZWZX"),
    ("侯建军", "县税务局党委书记、局长", "13877879432", "SLX-SWJ"),
    ("邵静", "县税务局办公室主任", "13862705860", "SLX-SWJ"),
    ("毛晓东", "县医疗保障局党组书记、局长", "13821458421", "SLX-YBJ"),
    ("江红", "县医疗保障局办公室主任", "13808394906", "SLX-YBJ"),
    ("魏东升", "县不动产登记中心主任", "13868828112", "SLX-ZRJ-BDC"),
    ("薛琳", "县不动产登记中心综合科科长", "13865844093", "SLX-ZRJ-BDC"),
    ("蒋玉兰", "县社会保险事业服务中心主任", "13824484526", "SLX-RSJ-SBZX"),
    ("韩磊", "县社会保险事业服务中心综合股股长", "13830976582", "SLX-RSJ-SBZX"),
    ("袁刚", "县公安局交通管理大队车辆管理所所长", "13880258220", "SLX-GAJ-CGS"),
    ("谢振华", "县人民医院党委书记", "13818051543", "SLX-WJW-RMYY"),
    ("梁晓燕", "县人民医院院办主任", "13882993215", "SLX-WJW-RMYY"),
    # 乡镇: 党委书记 (第一责任人), 乡镇长 (主要负责人), 党政办主任 (联络员)
    ("史海峰", "城关镇党委书记", "13871164941", "SLX-CGZ"),
    ("鲁建新", "城关镇党委副书记、镇长", "13857718835", "SLX-CGZ"),
    ("熊莉", "城关镇党政办主任", "13879511174", "SLX-CGZ"),
    ("金振国", "东关镇党委书记", "13843256885", "SLX-DGZ"),
    ("葛文亮", "东关镇党委副书记、镇长", "13857652373", "SLX-DGZ"),
    ("陶然", "东关镇党政办主任", "13855696327", "SLX-DGZ"),
    ("汪春生", "西河乡党委书记", "13892645154", "SLX-XHX"),
    ("孙莉萍", "西河乡党委副书记、乡长", "13874284352", "SLX-XHX"),
    ("方晓丽", "西河乡党政办主任", "13881449766", "SLX-XHX"),
    ("任继伟", "南山镇党委书记", "13808565178", "SLX-NSZ"),
    ("蔡振东", "南山镇党委副书记、镇长", "13883655062", "SLX-NSZ"),
    ("戴玲", "南山镇党政办主任", "13804842599", "SLX-NSZ"),
    ("夏长青", "北坡乡党委书记", "13867750031", "SLX-BPX"),
    ("卢海燕", "北坡乡党委副书记、乡长", "13845037849", "SLX-BPX"),
    ("钟磊", "北坡乡党政办主任", "13851838012", "SLX-BPX"),
    ("汤国庆", "青石镇党委书记", "13853739241", "SLX-QSZ"),
    ("郝立军", "青石镇党委副书记、镇长", "13896898210", "SLX-QSZ"),
    ("孟娟", "青石镇党政办主任", "13846028837", "SLX-QSZ"),
    ("黎明远", "柳林乡党委书记", "13855559747", "SLX-LLX"),
    ("顾春华", "柳林乡党委副书记、乡长", "13854072075", "SLX-LLX"),
    ("严素芬", "柳林乡党政办主任", "13847354864", "SLX-LLX"),
    ("常德福", "新集镇党委书记", "13839061884", "SLX-XJZ"),
    ("傅志勇", "新集镇党委副书记、镇长", "13879188957", "SLX-XJZ"),
    ("武晓燕", "新集镇党政办主任", "13855521824", "SLX-XJZ"),
)

# Who answers for each unit: (unit code, 第一责任人, 联络员 or ""). Every unit has a
# 第一责任人; 机关处室 and small subordinate units manage without a liaison. A responsibility
# on the county itself grants rights over every unit, so only the 县委书记 holds one.
UNIT_HEADS = (
    ("SLX", "王建国", ""),
    ("SLX-ZFB", "马骏", "何静"),
    ("SLX-FGJ", "张卫东", "黄丽"),
    ("SLX-FGJ-BGS", "黄丽", ""),
    ("SLX-FGJ-ZCFGG", "林涛", ""),
    ("SLX-CZJ", "杨秀英", "许文博"),
    ("SLX-CZJ-GKZX", "曹宁", ""),
    ("SLX-RSJ", "邓志明", "彭雪"),
    ("SLX-TJJ", "范永刚", "田甜"),
    ("SLX-JYJ", "刘志远", "宋佳"),
    ("SLX-JYJ-BGS", "宋佳", ""),
    ("SLX-JYJ-JCJYG", "唐建华", ""),
    ("SLX-WJW", "高玉芳", "罗斌"),
    ("SLX-GAJ", "郑国栋", "董海"),
    ("SLX-ZRJ", "于红军", "程丽"),
    ("SLX-HBJ", "姚振宇", "崔莉"),
    ("SLX-ZJJ", "钱文忠", "龚艳"),
    ("SLX-JTJ", "郭亮", "邹敏"),
    ("SLX-NYJ", "石永福", "廖春梅"),
    ("SLX-SCJ", "张伟", "李娜"),
    ("SLX-SCJ-BGS", "李娜", ""),
    ("SLX-SCJ-ZFDD", "陆建平", ""),
    ("SLX-SCJ-CGS", "秦峰", ""),
    ("SLX-YJJ", "贺军", "尹晓"),
    ("SLX-SPJ", "孔令华", "白雪"),
    ("SLX-ZWZX", "段春燕", "雷鸣"),
    ("SLX-SWJ", "侯建军", "邵静"),
    ("SLX-YBJ", "毛晓东", "江红"),
    ("SLX-ZRJ-BDC", "魏东升", "薛琳"),
    ("SLX-RSJ-SBZX", "蒋玉兰", "韩磊"),
    ("SLX-GAJ-CGS", "袁刚", ""),
    ("SLX-WJW-RMYY", "谢振华", "梁晓燕"),
    ("SLX-CGZ", "史海峰", "熊莉"),
    ("SLX-DGZ", "金振国", "陶然"),
    ("SLX-XHX", "汪春生", "方晓丽"),
    ("SLX-NSZ", "任继伟", "戴玲"),
    ("SLX-BPX", "夏长青", "钟磊"),
    ("SLX-QSZ", "汤国庆", "孟娟"),
    ("SLX-LLX", "黎明远", "严素芬"),
    ("SLX-XJZ", "常德福", "武晓燕"),
)

# 主要负责人 besides the party secretary: the township heads. (The county head leads through
# the 领导 role, read-only, rather than a responsibility that would let him act for every unit.)
PRINCIPALS = (
    ("SLX-CGZ", "鲁建新"),
    ("SLX-DGZ", "葛文亮"),
    ("SLX-XHX", "孙莉萍"),
    ("SLX-NSZ", "蔡振东"),
    ("SLX-BPX", "卢海燕"),
    ("SLX-QSZ", "郝立军"),
    ("SLX-LLX", "顾春华"),
    ("SLX-XJZ", "傅志勇"),
)

# 分管领导 (一岗双责): each deputy county head follows the departments in their portfolio.
LEADERS_IN_CHARGE = (
    ("陈志刚", ("SLX-ZFB", "SLX-FGJ", "SLX-CZJ", "SLX-TJJ", "SLX-SWJ")),
    ("孙志强", ("SLX-ZRJ", "SLX-ZJJ", "SLX-JTJ")),
    ("周丽娟", ("SLX-JYJ", "SLX-WJW", "SLX-RSJ", "SLX-YBJ")),
    ("吴海涛", ("SLX-SCJ", "SLX-SPJ", "SLX-ZWZX", "SLX-YJJ")),
    ("冯德胜", ("SLX-GAJ", "SLX-NYJ", "SLX-HBJ")),
)

LEADER = LeadingGroupMember.Position.LEADER
DEPUTY = LeadingGroupMember.Position.DEPUTY
DIRECTOR = LeadingGroupMember.Position.DIRECTOR
MEMBER = LeadingGroupMember.Position.MEMBER

# 领导小组 with its office and three working groups (seed 004), parents first:
# (name, kind, parent name, duties, ((person, position), ...)).
LEADING_GROUP = "示例县作风建设领导小组"
LEADING_GROUPS = (
    (
        LEADING_GROUP,
        LeadingGroup.Kind.LEADING_GROUP,
        None,
        "统筹领导全县作风建设工作，研究部署重大事项，听取各阶段工作汇报。",
        (
            ("王建国", LEADER),
            ("李明华", LEADER),
            ("陈志刚", DEPUTY),
            ("刘红梅", DEPUTY),
            ("孙志强", MEMBER),
            ("周丽娟", MEMBER),
            ("吴海涛", MEMBER),
            ("冯德胜", MEMBER),
            ("马骏", MEMBER),
            ("杨秀英", MEMBER),
            ("邓志明", MEMBER),
        ),
    ),
    (
        "领导小组办公室",
        LeadingGroup.Kind.OFFICE,
        LEADING_GROUP,
        "设在县政府办公室，负责领导小组日常工作：制定方案、督促推进、综合协调、"
        "情况通报和考核评议。",
        (("赵文斌", DIRECTOR), ("马骏", MEMBER), ("朱向东", MEMBER)),
    ),
    (
        "综合组",
        LeadingGroup.Kind.WORKING_GROUP,
        LEADING_GROUP,
        "负责文件起草、信息报送、宣传报道、台账管理和综合考评的组织实施。",
        (("马骏", LEADER), ("胡晓燕", MEMBER), ("何静", MEMBER)),
    ),
    (
        "明察暗访组",
        LeadingGroup.Kind.WORKING_GROUP,
        LEADING_GROUP,
        "采取明查、暗访、巡访、走访等方式开展监督检查，发现问题及时反馈，跟踪问效、整改销号。",
        (("吕春雷", LEADER), ("邱文", MEMBER)),
    ),
    (
        "追责问责组",
        LeadingGroup.Kind.WORKING_GROUP,
        LEADING_GROUP,
        "受理投诉举报，对明察暗访和群众反映的作风问题调查核实，依规依纪依法追责问责。",
        (("朱向东", LEADER), ("蔡晓明", MEMBER)),
    ),
)


class DemoLogin(NamedTuple):
    username: str
    person: str  # "" for an account with no cadre behind it
    role: str  # shown in the table of logins
    sees: str
    group: str = ""  # a role group set by hand; unit heads get theirs from responsibilities
    is_staff: bool = False
    is_superuser: bool = False
    # Inspection staff confined to this unit's subtree (units.services.subtree_officer_setup).
    jurisdiction: str = ""
    # A supervisor on the roster: the account comes with the appointment
    # (units.supervisors.supervisor_appoint), watching these units.
    watches: tuple[str, ...] = ()


# One login per role. Unit heads and the leader in charge get their role group and their
# units from their responsibilities (units.services.responsibility_grants_sync).
DEMO_LOGINS = (
    DemoLogin("admin", "", "系统管理员", "全部数据和管理后台", is_staff=True, is_superuser=True),
    DemoLogin(
        "jiwei",
        "赵文斌",
        "纪检监察人员（领导小组办公室主任）",
        "全县所有单位，可监督检查、进入管理后台",
        group=roles.INSPECTION_STAFF,
        is_staff=True,
    ),
    # The second officer who approves requests to see a complainant's identity: inspection
    # staff here; complaints.demo adds the 身份信息保管人 role (complaints owns it).
    DemoLogin(
        "baoguan",
        "朱向东",
        "纪检监察人员（身份信息保管人）",
        "全县所有单位；审批查看投诉人身份的申请",
        group=roles.INSPECTION_STAFF,
        is_staff=True,
    ),
    DemoLogin("lingdao", "李明华", "领导（县长）", "全县所有单位（只读）", group=roles.LEADERSHIP),
    # A 派驻纪检监察组 oversees its department and the units below it: the demo's officer
    # with a jurisdiction short of the county (its own 周检查、月点评、季小结).
    DemoLogin(
        "paizhu",
        "郭晓峰",
        "辖区纪检监察人员（派驻县市场监督管理局纪检监察组）",
        "县市场监督管理局及其下属单位，可监督检查",
        is_staff=True,
        jurisdiction="SLX-SCJ",
    ),
    DemoLogin("danwei", "张伟", "单位负责人（县市场监督管理局）", "县市场监督管理局及其下属单位"),
    DemoLogin("danwei2", "刘志远", "单位负责人（县教育局）", "县教育局及其机关股室"),
    DemoLogin(
        "fenguan",
        # 吴海涛 follows 县市场监督管理局 among others: the demo's complaints and ledger are
        # there, so the leader in charge has a unit's work to drill into.
        "吴海涛",
        "分管领导（副县长）",
        "分管的县市场监督管理局、县行政审批局、县政务服务中心、县应急管理局（只读）",
    ),
    DemoLogin(
        "kaoping",
        "胡晓燕",
        "考评人员（综合组）",
        "分配给本人的考评单位和指标",
        group=roles.EVALUATOR,
    ),
    # Not a cadre: a deputy to the people's congress appointed 特邀监督员 by the officer.
    DemoLogin(
        "jiandu",
        "陈淑芬",
        "监督员（特邀监督员，县人大代表）",
        "所监督的县市场监督管理局、县教育局；提交察访报告",
        watches=("SLX-SCJ", "SLX-JYJ"),
    ),
)
