"""Which county the marketplace serves, as the seed loaded it (`county:` in county.yaml).

The loader stores the county's province, city, name and code with the public brand; an
address whose province, city and district are these lies inside the county and must name
one of its seeded towns and villages.
"""

from __future__ import annotations

from dataclasses import dataclass

from backend.brand.models import PublicBrand

# Administrative suffixes people often leave out when typing a division: "江苏" for 江苏省,
# "连云港" for 连云港市, "灌云" for 灌云县.
_SUFFIXES = ("省", "市", "县", "区", "自治县", "自治州")


@dataclass(frozen=True)
class County:
    province: str
    city: str
    name: str
    code: str

    def contains(self, *, province: str, city: str, district: str) -> bool:
        return (
            same_division(province, self.province)
            and same_division(city, self.city)
            and same_division(district, self.name)
        )


def same_division(typed: str, official: str) -> bool:
    """Whether `typed` names the division `official`, with or without its suffix."""
    typed = "".join(typed.split())
    if not typed or not official:
        return False
    if typed == official:
        return True
    return any(official == typed + suffix for suffix in _SUFFIXES)


def current_county() -> County | None:
    """The county of the active public brand; None before the seed is loaded."""
    brand = (
        PublicBrand.objects.filter(is_active=True)
        .exclude(county_name="")
        .order_by("pk")
        .values("province", "city", "county_name", "county_code")
        .first()
    )
    if brand is None:
        return None
    return County(
        province=brand["province"],
        city=brand["city"],
        name=brand["county_name"],
        code=brand["county_code"],
    )
