"""The relevance set: queries a shopper types and the seeded products that should come first
(the first slug is the ideal top result). Kinds: Chinese words, synonyms, pinyin, initials,
typos and attribute terms (origin town, certification)."""

from __future__ import annotations

import math

RICE = ["dongwangji-rice", "dongwangji-glutinous-rice"]
LOTUS = ["xiaoyi-lotus-root", "lotus-picking-experience", "xiaoyi-lotus-feast-voucher"]
BAIJIU = ["jinghuayuan-baijiu", "jinghuayuan-reserve-baijiu"]
EGGS = ["salted-duck-eggs", "free-range-duck-eggs"]
YANWEIGANG = ["yanweigang-laver", "yanweigang-shrimp", "yanweigang-jellyfish"]
XIACHE = ["shuangcheng-soy-sauce", "shuangcheng-vinegar", "guanyun-pickled-radish"]

CASES: list[tuple[str, str, list[str]]] = [
    # Chinese words
    ("word", "大米", ["dongwangji-rice", "dongwangji-glutinous-rice"]),
    ("word", "糯米", ["dongwangji-glutinous-rice"]),
    ("word", "粉丝", ["nangang-vermicelli"]),
    ("word", "藕", LOTUS),
    ("word", "酱油", ["shuangcheng-soy-sauce"]),
    ("word", "香醋", ["shuangcheng-vinegar"]),
    ("word", "白酒", BAIJIU),
    ("word", "鸭蛋", EGGS),
    ("word", "芦笋", ["yangji-asparagus"]),
    ("word", "西兰花", ["guanyun-broccoli"]),
    ("word", "豆丹", ["guanyun-doudan"]),
    ("word", "紫菜", ["yanweigang-laver"]),
    ("word", "海蜇", ["yanweigang-jellyfish"]),
    ("word", "对虾", ["yanweigang-shrimp"]),
    ("word", "绿茶", ["yilu-green-tea"]),
    ("word", "香油", ["yilu-sesame-oil"]),
    ("word", "面粉", ["yihetang-flour"]),
    ("word", "门票", ["dayishan-ticket", "yidianyuan-ticket"]),
    ("word", "民宿", ["yilu-farm-stay"]),
    ("word", "杞柳", ["qiliu-willow-basket", "qiliu-storage-box"]),
    ("word", "萝卜", ["guanyun-pickled-radish"]),
    ("word", "东王集大米", ["dongwangji-rice"]),
    # Synonyms (catalog_seed/search.yaml)
    ("synonym", "莲藕", ["xiaoyi-lotus-root"]),
    ("synonym", "粉条", ["nangang-vermicelli"]),
    ("synonym", "烧酒", BAIJIU),
    ("synonym", "芝麻油", ["yilu-sesame-oil"]),
    ("synonym", "稻米", RICE),
    ("synonym", "大虾", ["yanweigang-shrimp"]),
    ("synonym", "咸蛋", ["salted-duck-eggs"]),
    # Full pinyin
    ("pinyin", "dami", ["dongwangji-rice"]),
    ("pinyin", "dongwangji", RICE),
    ("pinyin", "ou", LOTUS),
    ("pinyin", "fensi", ["nangang-vermicelli"]),
    ("pinyin", "baijiu", BAIJIU),
    ("pinyin", "jiangyou", ["shuangcheng-soy-sauce"]),
    ("pinyin", "lusun", ["yangji-asparagus"]),
    ("pinyin", "zicai", ["yanweigang-laver"]),
    # Initials
    ("initials", "dwj", RICE),
    ("initials", "ngfs", ["nangang-vermicelli"]),
    ("initials", "jhy", BAIJIU),
    ("initials", "xyqs", ["xiaoyi-lotus-root"]),
    # Typos
    ("typo", "东王急", RICE),
    ("typo", "dongwangjii", RICE),
    ("typo", "jiangyuo", ["shuangcheng-soy-sauce"]),
    ("typo", "燕尾巷", YANWEIGANG),
    ("typo", "lusunn", ["yangji-asparagus"]),
    # Attribute terms
    ("attribute", "下车镇", XIACHE),
    ("attribute", "燕尾港", YANWEIGANG),
    (
        "attribute",
        "地理标志",
        ["dongwangji-rice", "xiaoyi-lotus-root", "nangang-vermicelli", "guanyun-doudan"],
    ),
    ("attribute", "有机", ["yilu-green-tea"]),
    ("attribute", "伊芦", ["yilu-green-tea", "yilu-sesame-oil", "yilu-farm-stay"]),
]


def precision_at(results: list[str], relevant: list[str], k: int = 5) -> float:
    """Share of the top k that is relevant, out of what could be (min(k, |relevant|))."""
    hits = sum(1 for slug in results[:k] if slug in relevant)
    return hits / min(k, len(relevant))


def ndcg_at(results: list[str], relevant: list[str], k: int = 10) -> float:
    """Graded gain: the first expected slug counts 2, the others 1; ideal order as listed."""

    def gain(slug: str) -> float:
        if slug not in relevant:
            return 0.0
        return 2.0 if slug == relevant[0] else 1.0

    dcg = sum(gain(slug) / math.log2(i + 2) for i, slug in enumerate(results[:k]))
    ideal = sum(gain(slug) / math.log2(i + 2) for i, slug in enumerate(relevant[:k]))
    return dcg / ideal if ideal else 0.0
