"""Names of the demo city's enterprises, projects and teams, and enterprises' credit codes."""

from __future__ import annotations

import random

from stdnum.cn import uscc as stdnum_uscc

from wageguard.demo.places import Region, prefecture_of, short_name
from wageguard.registry.choices import WORK_TYPE

WORDS = (
    "梵净", "锦江", "铜江", "黔东", "武陵", "乌江", "华鼎", "恒泰", "鑫盛", "宏达", "中诚", "建安", "鼎顺",
    "佳源", "兴黔", "瑞丰", "盛世", "天成", "众鑫", "宏源", "金鼎", "德润", "安泰", "永盛", "长城", "博远",
    "广厦", "立信", "汇丰", "鸿图", "正通", "华信", "亿达", "国泰", "苗乡", "土家", "百川", "顺达", "龙腾",
    "九龙",
)  # fmt: skip
GC_GROUPS = (
    "贵州建工集团第{n}建筑工程有限责任公司",
    "中铁{n}局集团有限公司",
    "中国建筑第{n}工程局有限公司",
    "贵州省公路工程集团有限公司第{n}分公司",
    "中国水利水电第{n}工程局有限公司",
)
CN_DIGITS = "一二三四五六七八九十"
STREETS = (
    "锦江大道", "川硐大道", "东太大道", "南长城路", "金滩路", "清水大道", "梵净山大道", "西外环路",
    "北门路", "中山路", "解放路", "民主路",
)  # fmt: skip
PLACES = (
    "城南", "城北", "河西", "锦江", "灯塔", "川硐", "滑石", "谢桥", "坝黄", "和平", "大兴", "白岩", "文笔",
    "桃源", "清水", "龙井", "金滩", "凤凰", "桐木", "黄土", "鸭溪", "茶园", "高楼坪", "九龙洞", "十八湾",
    "杨柳", "盘山", "乌江", "印山", "龙津",
)  # fmt: skip
# (category code, templates, weight): what Tongren builds, by the standard's project categories.
PROJECT_KINDS: tuple[tuple[str, tuple[str, ...], int], ...] = (
    (
        "01",
        (
            "{c}{p}安置房项目",
            "{c}{p}棚户区改造项目",
            "{c}{p}小学教学楼建设项目",
            "{c}人民医院{p}院区建设项目",
            "{c}{p}保障性住房项目",
            "{c}{p}商住楼工程",
        ),
        45,
    ),
    (
        "02",
        (
            "{c}{p}大道改扩建工程",
            "{c}{p}片区市政道路工程",
            "{c}{p}污水管网建设工程",
            "{c}{p}老旧小区改造工程",
        ),
        22,
    ),
    ("05", ("{c}{p}至{q}公路改扩建工程", "{c}{p}通村公路硬化工程", "{c}{p}大桥建设工程"), 15),
    ("07", ("{c}{p}河综合治理工程", "{c}{p}水库建设工程", "{c}{p}灌区节水改造工程"), 8),
    ("03", ("{c}{p}湿地公园建设工程", "{c}{p}滨江绿道工程"), 5),
    ("04", ("{c}{p}体育馆装饰装修工程", "{c}政务中心{p}装修工程"), 5),
)
# Trades of ordinary teams, weighted like a building site's workforce.
TRADES = (
    ("020", 14), ("010", 10), ("040", 10), ("240", 10), ("050", 9), ("030", 7), ("190", 7), ("130", 5),
    ("270", 5), ("110", 4), ("230", 3), ("150", 3), ("300", 2), ("170", 2), ("180", 1), ("060", 1),
    ("100", 1), ("210", 1), ("160", 1),
)  # fmt: skip
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ALNUM = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def corp_name(rng: random.Random, role: str, county: Region) -> str:
    """An enterprise name for its role; government owners' names end in 局 (credit code ``11``)."""
    town = prefecture_of(county.code).name
    word = rng.choice(WORDS) + rng.choice(WORDS)
    if role == "owner":
        if rng.random() < 0.4:
            bureau = rng.choice(("交通运输局", "住房和城乡建设局", "水务局", "教育局"))
            return short_name(county.name) + bureau
        if rng.random() < 0.5:
            return f"{town}{short_name(county.name)}{word}置业有限公司"
        kind = rng.choice(("城市建设投资", "交通旅游开发投资", "城乡建设发展"))
        return f"{town}{short_name(county.name)}{kind}有限公司"
    if role == "gc":
        if rng.random() < 0.35:
            return rng.choice(GC_GROUPS).format(n=CN_DIGITS[rng.randrange(9)])
        return f"贵州{word}建设工程有限公司"
    if role == "sub":
        trade = rng.choice(("钢结构工程", "机电安装工程", "幕墙装饰工程", "市政园林工程", "消防工程"))
        return f"{town}{word}{trade}有限公司"
    return f"{town}{word}建筑劳务有限公司"


def numbered_corp(name: str, n: int) -> str:
    """``贵州XX建设工程有限公司`` -> ``贵州XX建设工程第23有限公司``-style variant when names run out."""
    return name.replace("有限公司", f"{n}分公司") if name.endswith("有限公司") else f"{name}{n}"


def numbered_project(name: str, n: int) -> str:
    """A later phase of a project: ``…安置房项目（二期）``."""
    phase = CN_DIGITS[n % 9 + 1] if n < 29 else str(n)
    return f"{name}（{phase}期）"


def _org_code(rng: random.Random, new_style: bool) -> str:
    """A GB 11714 organisation code (8 characters and a check character); ``MA`` codes since 2016."""
    if new_style:
        body = "MA6" + "".join(rng.choice(_ALNUM) for _ in range(5))
    else:
        body = "".join(str(rng.randrange(10)) for _ in range(8))
    total = sum(_ALNUM.index(ch) * w for ch, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def uscc(rng: random.Random, county_code: str, *, gov: bool, new_style: bool) -> str:
    """A unified social credit code (GB 32100) registered in ``county_code``, with a valid check character."""
    first17 = ("11" if gov else "91") + county_code + _org_code(rng, new_style and not gov)
    return first17 + str(stdnum_uscc.calc_check_digit(first17))


def project_name(rng: random.Random, county_short: str) -> tuple[str, str]:
    """(category code, project name) such as ``("02", "思南县城南大道改扩建工程")``."""
    category, templates, _w = rng.choices(PROJECT_KINDS, weights=[k[2] for k in PROJECT_KINDS])[0]
    place, other = rng.sample(PLACES, 2)
    return category, rng.choice(templates).format(c=county_short, p=place, q=other)


def trade(rng: random.Random) -> str:
    """A team's trade (``workType`` code) by the workforce's proportions."""
    return rng.choices([t for t, _ in TRADES], weights=[w for _, w in TRADES])[0]


def team_name(work_type: str, n: int) -> str:
    """``钢筋工一班``, ``钢筋工二班``… (the n-th team of that trade in one enterprise on one project)."""
    ordinal = CN_DIGITS[n - 1] if n <= 10 else str(n)
    return f"{WORK_TYPE[work_type]}{ordinal}班"
