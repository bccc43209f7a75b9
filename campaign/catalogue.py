"""The problem catalogue as the seed documents word it (Chinese) with English renderings.

Each entry is (code, Chinese name, English name, children). Used by the data migration
that seeds ProblemCategory; kept here so the wording is reviewed in one place.
"""

from __future__ import annotations

Entry = tuple[str, str, str, list["Entry"]]

SEED_004 = "县政府系统集中整顿作风、提升行政效能专项活动实施方案"
SEED_001 = "机关效能建设工作要点"
SEED_003 = "机关作风建设年活动实施方案"

CATALOGUE: list[tuple[str, Entry]] = [
    (
        SEED_004,
        (
            "T10",
            "十大问题",
            "The ten problems",
            [
                ("T10-01", "不担当", "Not taking responsibility", []),
                ("T10-02", "不亲民", "Distant from the people", []),
                ("T10-03", "不认真", "Not conscientious", []),
                ("T10-04", "不深入", "Not going deep", []),
                ("T10-05", "不学习", "Not learning", []),
                ("T10-06", "不碰硬", "Shying away from hard problems", []),
                ("T10-07", "不习惯", "Not adapting to new requirements", []),
                ("T10-08", "不思考", "Not thinking things through", []),
                ("T10-09", "不留痕", "Leaving no record of work", []),
                ("T10-10", "不开明", "Not open-minded", []),
            ],
        ),
    ),
    (
        SEED_004,
        (
            "F1",
            "“放管服”改革中的“肠梗阻”问题",
            "Blockages in the reform of streamlining administration",
            [
                ("F1-1", "窗口授权不到位", "Service windows not given authority", []),
                ("F1-2", "审批流程欠科学", "Approval procedures poorly designed", []),
                ("F1-3", "部门审批教条呆板", "Rigid, dogmatic approvals", []),
            ],
        ),
    ),
    (
        SEED_004,
        (
            "F2",
            "依法行政中的不担当和不主动作为问题",
            "Failing to take responsibility and act in law-based administration",
            [
                ("F2-1", "不讲政治纪律政治规矩", "Disregarding political discipline and rules", []),
                ("F2-2", "政令不畅", "Orders not carried through", []),
                ("F2-3", "“照章念经”", "Mechanically reciting the rules", []),
                ("F2-4", "不敢担当", "Afraid to take responsibility", []),
                ("F2-5", "中层“肠梗阻”", "Blockage at middle management", []),
                ("F2-6", "懒政怠政", "Idle and negligent governance", []),
                ("F2-7", "监督不力、把关不严", "Weak supervision and lax checks", []),
            ],
        ),
    ),
    (
        SEED_004,
        (
            "F3",
            "“门好进、脸好看、事难办”中的慢作为、消极作为问题",
            "Slow or passive action: easy to enter, friendly faces, things still not done",
            [
                ("F3-1", "为民服务意识淡漠", "Indifference to serving the people", []),
                ("F3-2", "首问责任落实不力", "First-contact responsibility not honoured", []),
                ("F3-3", "主动服务意识不足", "Lack of proactive service", []),
                ("F3-4", "新官不理旧账", "New officials ignoring old commitments", []),
                ("F3-5", "为民服务工作效能低", "Low efficiency in serving the people", []),
            ],
        ),
    ),
    (
        SEED_004,
        (
            "F4",
            "行政工作中的视野不宽、能力不足问题",
            "Narrow vision and insufficient ability in administrative work",
            [
                ("F4-1", "思想境界不够", "Insufficient breadth of thinking", []),
                ("F4-2", "业务水平不够", "Insufficient professional skill", []),
                ("F4-3", "缺乏干事创业的激情", "Lack of drive to get things done", []),
                ("F4-4", "缺乏开拓创新的精神", "Lack of pioneering and innovation", []),
            ],
        ),
    ),
    (
        SEED_004,
        (
            "W5",
            "五严禁",
            "The five strict prohibitions",
            [
                ("W5-1", "严禁妄议决策部署", "No improper comment on policy decisions", []),
                ("W5-2", "严禁有令不行、自行其是", "No ignoring orders or going one's own way", []),
                ("W5-3", "严禁违法决策、违章办事", "No unlawful decisions or rule-breaking", []),
                (
                    "W5-4",
                    "严禁该办不办踢皮球和“吃拿卡要”",
                    "No passing the buck or extortion in administrative work",
                    [],
                ),
                (
                    "W5-5",
                    "严禁吃空饷、在编不在岗、上班炒股或打游戏",
                    "No ghost pay, absence from post, or trading and gaming at work",
                    [],
                ),
            ],
        ),
    ),
    (
        SEED_001,
        (
            "L6",
            "六条禁令",
            "The six prohibitions",
            [
                (
                    "L6-1",
                    "违反工作纪律、迟到早退",
                    "Breaking work discipline, late or leaving early",
                    [],
                ),
                (
                    "L6-2",
                    "工作时间上网聊天、玩游戏",
                    "Chatting or gaming online during work hours",
                    [],
                ),
                ("L6-3", "参与赌博", "Gambling", []),
                ("L6-4", "无证上岗", "Working without the required certificate", []),
                ("L6-5", "违规检查、收费、罚款", "Irregular inspections, fees or fines", []),
                (
                    "L6-6",
                    "在办事、办证中接受宴请和礼品礼金",
                    "Accepting meals, gifts or money while handling business",
                    [],
                ),
                ("L6-7", "滥用职权", "Abuse of power", []),
                (
                    "L6-8",
                    "推诿扯皮、无故拖延办理时限",
                    "Passing the buck or delaying without cause",
                    [],
                ),
                (
                    "L6-9",
                    "违规扣押证件、冻结帐号、查封资产",
                    "Irregular seizure of papers, freezing of accounts or sealing of assets",
                    [],
                ),
            ],
        ),
    ),
    (
        SEED_001,
        (
            "S10",
            "优化环境“十项规定”",
            "The ten rules for improving the environment",
            [],
        ),
    ),
    (
        SEED_003,
        (
            "P6",
            "六倡导六不准",
            "Six things to promote, six things forbidden",
            [
                ("P6-1", "不准闲谈炒股玩游戏", "No idle chat, share trading or gaming", []),
                ("P6-2", "不准推诿扯皮打折扣", "No passing the buck or half-hearted work", []),
                ("P6-3", "不准生硬办事脸难看", "No brusque manner or sour faces", []),
                ("P6-4", "不准死板教条只唯上", "No rigid dogmatism or deference only upwards", []),
                ("P6-5", "不准拖拉马虎不作为", "No procrastination, sloppiness or inaction", []),
                ("P6-6", "不准索取收受礼金券", "No soliciting or accepting gifts or vouchers", []),
            ],
        ),
    ),
]


def flatten() -> list[tuple[str, str | None, str, str, str, int]]:
    """(code, parent code, name, name_en, source, sort order), parents first."""
    rows: list[tuple[str, str | None, str, str, str, int]] = []

    def walk(entry: Entry, parent: str | None, source: str, order: int) -> None:
        code, name, name_en, children = entry
        rows.append((code, parent, name, name_en, source, order))
        for index, child in enumerate(children, start=1):
            walk(child, code, source, index)

    for index, (source, entry) in enumerate(CATALOGUE, start=1):
        walk(entry, None, source, index)
    return rows
