"""A certification's benefit mechanism in plain words, for the badge's explanation on the
product page, the zone page and the API (shoppers should understand who gains and how)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from backend.poverty.models import Certification, Mechanism, ShareRecipient


def _number(value) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def mechanism_in_plain_words(certification: Certification) -> str:
    if certification.mechanism == Mechanism.PURCHASE:
        return _(
            "每卖出一件，商家向登记在册的低收入户收购 %(kg)s 公斤农产品，"
            "收购价每公斤 %(price)s 元。"
        ) % {
            "kg": _number(certification.kg_per_unit or 0),
            "price": _number(certification.price_per_kg or 0),
        }
    if certification.mechanism == Mechanism.EMPLOYMENT:
        return _("商家雇用低收入户家庭成员生产，每卖出一件支付工资 %(wage)s 元。") % {
            "wage": _number(certification.wage_per_unit or 0)
        }
    if certification.share_recipient == ShareRecipient.VILLAGE and certification.village_id:
        return _("您支付金额的 %(percent)s%% 归经济薄弱村%(village)s的村集体。") % {
            "percent": _number(certification.share_percent or 0),
            "village": certification.village,
        }
    return _("您支付金额的 %(percent)s%% 分给登记在册的低收入户。") % {
        "percent": _number(certification.share_percent or 0)
    }
