"""Plausible Chinese names: people (姓 + 名), companies (地名 + 字号 + 行业词 + 有限公司)."""

from __future__ import annotations

import random

from store.demo.reference import RegionRow

# Common surnames, most frequent first; the list is repeated by weight below so the top
# ones dominate as they do in the population.
_SURNAMES_TOP = "王李张刘陈杨黄赵吴周"
_SURNAMES_REST = (
    "徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚"
    "卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱"
)
SURNAMES = tuple(_SURNAMES_TOP * 4 + _SURNAMES_REST)
_GIVEN = tuple(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国文红志海波宇浩然思雨欣怡晨阳"
    "佳琪子轩梓涵一诺俊鑫博亮辉斌鹏飞婷雪琳倩颖嘉宁立新成林东晓春燕凯峰德宏"
)


# 字号: the distinctive part of a company name.
def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


TRADE_NAMES = _words(
    "宏达 鑫源 恒泰 华盛 永兴 金诚 瑞丰 天成 宏远 隆昌 中联 新业 鼎盛 汇通 长城 安泰 广源 众诚 "
    "顺达 兴旺 博远 开元 德胜 华信 盛世 宝丰 泰和 富达 聚源 创新 远航 振华 同创 金山 银河 东方 "
    "明珠 龙腾 凯瑞 海川 润达 金鹏 祥和 正大 恒通 嘉诚 昌盛 华宇 鸿运 诚信 伟业 中兴 万通 万隆 "
    "神州 华夏 亚泰 国泰 鑫海 联创 安达 晟达 三和 天正 景泰 宏基 中天 新世纪 红星"
)
# 行业词 by the industry code's section or division (the longest matching prefix wins).
_INDUSTRY_WORDS: dict[str, tuple[str, ...]] = {
    "A": ("渔业", "水产", "海洋渔业"),
    "B06": ("煤业", "煤矿", "能源"),
    "B07": ("石油", "油气"),
    "B": ("矿业", "矿产", "采石"),
    "C25": ("石化", "燃料"),
    "C26": ("化工", "化学", "新材料"),
    "C2671": ("民爆器材", "化工"),
    "C2672": ("烟花", "花炮"),
    "C31": ("钢铁", "特钢", "冶金"),
    "C32": ("有色金属", "铝业", "铜业"),
    "C": ("实业", "制造", "科技", "工业"),
    "D": ("能源", "燃气", "热力"),
    "E": ("建设工程", "建筑工程", "建工", "路桥"),
    "F": ("石油销售", "能源"),
    "G53": ("铁路物流",),
    "G55": ("海运", "航运", "船务"),
    "G59": ("仓储", "储运"),
    "G": ("运输", "物流", "客运"),
    "H61": ("酒店管理",),
    "H": ("餐饮管理", "餐饮"),
}
_COMPANY_FORMS = ("有限公司",) * 6 + ("有限责任公司", "股份有限公司")
_PROVINCE_SHORT = {
    "内蒙古自治区": "内蒙古",
    "广西壮族自治区": "广西",
    "西藏自治区": "西藏",
    "宁夏回族自治区": "宁夏",
    "新疆维吾尔自治区": "新疆",
}
_SUFFIXES = ("地区", "市", "县", "区", "省", "盟")  # longest first: 阿克苏地区 → 阿克苏
_GROUPING = ("市辖区", "县")  # GB/T 2260 rows that group a municipality's districts


def person(rng: random.Random) -> str:
    given = rng.choice(_GIVEN) + (rng.choice(_GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def short_place(name: str) -> str | None:
    """广州市 → 广州, 济源市 → 济源; ``None`` where a stem would be odd (自治县, 市辖区)."""
    if name in _PROVINCE_SHORT:
        return _PROVINCE_SHORT[name]
    if "族" in name or "自治" in name or name in _GROUPING:
        return None
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


def place_for(leaf: RegionRow, by_code: dict[str, RegionRow]) -> str:
    """The place word a company in ``leaf`` would carry: its city, else county, else province."""
    chain: list[RegionRow] = []
    current: RegionRow | None = leaf
    while current is not None:
        chain.append(current)
        current = by_code[current.parent_code] if current.parent_code else None
    # Prefer the prefecture (most companies are named after it), then the county itself;
    # in a municipality the prefecture row is a grouping (市辖区, 县): use 北京, 重庆.
    cities = [r for r in chain if r.level == "city"]
    if cities and cities[0].name in _GROUPING:
        ordered = chain[-1:]
    else:
        ordered = cities + chain[:1] + chain[-1:]
    for region in ordered:
        short = short_place(region.name)
        if short:
            return short
    return chain[-1].name[:2]


def industry_words(industry_code: str) -> tuple[str, ...]:
    for length in range(len(industry_code), 0, -1):
        words = _INDUSTRY_WORDS.get(industry_code[:length])
        if words:
            return words
    return ("实业",)


def company(rng: random.Random, place: str, words: tuple[str, ...]) -> str:
    return place + rng.choice(TRADE_NAMES) + rng.choice(words) + rng.choice(_COMPANY_FORMS)
