"""Synthetic people: Chinese names, ID numbers with correct check digits, phones, payroll bank cards.

Everything draws from a caller's ``random.Random`` so the same seed gives the same people. The tables are
small hand-made samples weighted towards Guizhou (many 杨, 田, 龙, 吴 among Tongren's Tujia, Miao and Dong).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import TypeVar

from stdnum import luhn

from wageguard.demo.places import AreaCode, OriginTable

SURNAMES = (
    "杨杨杨杨田田田龙龙吴吴张张张王王王李李李刘刘陈陈黄周周徐冉冉安安罗罗何何胡胡赵肖肖谢宋唐"
    "任任蒋侯侯姚姚石石邓邓向向彭彭熊雷舒舒滕滕文代代付付严蔡卢梁谭谭覃袁潘曾郑孙马朱高林韩"
)
GIVEN_MALE = "军伟勇强明华平刚建国林永志海兵波斌超浩鹏飞江涛洪亮成祥贵富发财文武德忠顺金银松柏"
GIVEN_FEMALE = "芳丽英秀梅兰玉珍霞红燕艳娟琴敏静凤翠花莲桂菊云萍春"
GIVEN_SECOND = "东南西北山川云龙华兴发明光辉贵忠仁义礼安福春秋冬小家世天开宗承朝红远"
NATIONS = (("汉族", 56), ("土家族", 22), ("苗族", 13), ("侗族", 5), ("仡佬族", 3), ("布依族", 1))
TOWNS = (
    "和平", "灯塔", "川硐", "滑石", "谢桥", "坝黄", "桐木坪", "大兴", "茶店", "六龙山", "瓦屋", "牛郎",
    "鹦鹉溪", "塘头", "许家坝", "合朋溪", "木黄", "新寨",
)  # fmt: skip
VILLAGES = (
    "马家", "杨柳", "高峰", "龙井", "田坝", "岩门", "大坪", "新场", "白果", "桃子", "水井", "长坡", "青杠",
    "石板", "凉风", "竹林",
)  # fmt: skip
PHONE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "157",
    "158", "159", "173", "177", "180", "181", "182", "183", "185", "186", "187", "188", "189", "191",
    "195", "198", "199",
)  # fmt: skip

# (top bank code, bank name, BIN, card length, weight): construction workers' usual payroll banks.
BANKS = (
    ("103", "中国农业银行", "622848", 19, 26),
    ("402", "贵州省农村信用社", "621779", 19, 20),
    ("403", "中国邮政储蓄银行", "621799", 19, 14),
    ("102", "中国工商银行", "622202", 19, 14),
    ("105", "中国建设银行", "621700", 19, 11),
    ("104", "中国银行", "621661", 19, 5),
    ("313", "贵阳银行", "622133", 16, 4),
    ("301", "交通银行", "622262", 19, 3),
    ("308", "招商银行", "621483", 16, 2),
    ("309", "兴业银行", "622909", 18, 1),
)
LUHN_FAILING_SHARE = 0.004
T = TypeVar("T")  # some real Chinese cards do not pass Luhn: the importer only warns


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str
    gender: str  # "M" / "F"
    birth: date
    phone: str
    nation: str
    address: str


@dataclass(frozen=True)
class Card:
    number: str
    bank_name: str
    top_bank_code: str


def ric_check_digit(first17: str) -> str:
    """GB 11643 ISO 7064 mod 11-2 check digit of the first 17 characters."""
    checksum = (1 - 2 * int(first17, 13)) % 11
    return "X" if checksum == 10 else str(checksum)


@lru_cache(maxsize=8)
def _origins(region_code: str, first: int, last: int) -> OriginTable:
    return OriginTable(region_code, range(first, last + 1))


def pick_weighted(rng: random.Random, items: tuple[tuple[T, int], ...]) -> T:
    return rng.choices([i for i, _ in items], weights=[w for _, w in items])[0]


class PeopleFactory:
    """Draws people born 1962–2004 whose ID numbers are unique and valid for their birth year."""

    FIRST_YEAR, LAST_YEAR = 1962, 2004

    def __init__(self, rng: random.Random, region_code: str, *, used: set[int] | None = None) -> None:
        self.rng = rng
        self.origins = _origins(region_code, self.FIRST_YEAR, self.LAST_YEAR)
        self.used: set[int] = set() if used is None else used  # first 17 digits of every ID drawn
        self._bank_weights = [b[4] for b in BANKS]

    def name(self, gender: str) -> str:
        rng = self.rng
        pool = GIVEN_MALE if gender == "M" else GIVEN_FEMALE
        if rng.random() < 0.22:
            return rng.choice(SURNAMES) + rng.choice(pool)
        return rng.choice(SURNAMES) + rng.choice(GIVEN_SECOND) + rng.choice(pool)

    def birth_date(self) -> date:
        year = round(self.rng.triangular(self.FIRST_YEAR, self.LAST_YEAR, 1976))
        return date(year, 1, 1) + timedelta(days=self.rng.randrange(365))

    def id_number(self, area: AreaCode, birth: date, gender: str) -> str:
        """A unique 18-character ID; the order code's parity follows the gender (odd = male)."""
        while True:
            order = self.rng.randrange(500) * 2 + (1 if gender == "M" else 0)
            first17 = f"{area.code}{birth:%Y%m%d}{order:03d}"
            key = int(first17)
            if key not in self.used:
                self.used.add(key)
                return first17 + ric_check_digit(first17)

    def phone(self) -> str:
        return self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(100_000_000):08d}"

    def person(self, *, male_share: float = 0.88) -> Person:
        rng = self.rng
        gender = "M" if rng.random() < male_share else "F"
        birth = self.birth_date()
        group = rng.choices(self.origins.names, weights=self.origins.weights)[0]
        area = rng.choice(self.origins.candidates(group, birth.year))
        village = f"{rng.choice(TOWNS)}镇{rng.choice(VILLAGES)}村{rng.randrange(1, 12)}组"
        return Person(
            name=self.name(gender),
            id_number=self.id_number(area, birth, gender),
            gender=gender,
            birth=birth,
            phone=self.phone(),
            nation=pick_weighted(rng, NATIONS),
            address=area.place + village,
        )

    def relative(self) -> tuple[str, str]:
        """An emergency contact: name and phone."""
        return self.name("F" if self.rng.random() < 0.6 else "M"), self.phone()

    def card(self) -> Card:
        """A payroll card: the bank's BIN, random account digits, a Luhn check digit (rarely wrong)."""
        code, bank, bin_, length, _w = self.rng.choices(BANKS, weights=self._bank_weights)[0]
        body = bin_ + "".join(str(self.rng.randrange(10)) for _ in range(length - len(bin_) - 1))
        check = luhn.calc_check_digit(body)
        if self.rng.random() < LUHN_FAILING_SHARE:
            check = str((int(check) + 1 + self.rng.randrange(9)) % 10)
        return Card(body + check, bank, code)
