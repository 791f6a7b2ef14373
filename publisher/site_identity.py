"""The site's identity as a government website (政府网站标识), from the settings.

《政府网站发展指引》 (国办发〔2017〕47号) asks every government website to show, at the foot of
each page, who runs it and its registrations: 主办单位, 承办单位, contact, 网站标识码, the ICP
备案号 (linked to the MIIT query page), the 公安机关备案号 (linked to the public security
record's query page), the 党政机关网站标识 and a 「政府网站找错」 entry built from the
网站标识码. `SiteIdentity.of(settings)` is what the footer renders; `missing_identity(settings)`
names the settings a deployer has not set (the self-inspection reports them; a missing one
is never a start-up failure).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from publisher.settings import Settings

#: MIIT's ICP record query page (the footer's ICP备案号 links here)
ICP_QUERY_URL = "https://beian.miit.gov.cn/"
#: the national public-security record query page, with the record's digits
PSB_QUERY_URL = "http://www.beian.gov.cn/portal/registerSystemInfo?recordcode={digits}"
#: the State Council's 「政府网站找错」 form, for this site and the page being read
ERROR_REPORT_URL = "https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code={code}&url={url}"


@dataclass(frozen=True)
class IdentitySetting:
    """One identity setting: its field, its environment variable and what it is called."""

    field: str
    label_zh: str
    #: a government website must show it (else the self-inspection reports it)
    required: bool
    #: its absence fails a veto indicator (单项否决) of the quarterly inspection
    veto: bool

    @property
    def variable(self) -> str:
        return f"PUBLISHER_{self.field.upper()}"


#: in the footer's conventional order
IDENTITY_SETTINGS: tuple[IdentitySetting, ...] = (
    IdentitySetting("site_organiser", "主办单位", required=True, veto=False),
    IdentitySetting("site_operator", "承办单位", required=False, veto=False),
    IdentitySetting("site_contact", "联系方式", required=True, veto=False),
    IdentitySetting("site_code", "网站标识码", required=True, veto=True),
    IdentitySetting("icp_record", "ICP备案号", required=True, veto=True),
    IdentitySetting("psb_record", "公安机关备案号", required=True, veto=False),
    IdentitySetting("party_gov_mark_url", "党政机关网站标识", required=False, veto=False),
)


def missing_identity(settings: Settings) -> list[IdentitySetting]:
    """The required identity settings left empty, in the footer's order."""
    return [
        item
        for item in IDENTITY_SETTINGS
        if item.required and not str(getattr(settings, item.field)).strip()
    ]


@dataclass(frozen=True)
class SiteIdentity:
    """What the footer of every public page shows (empty strings are left out)."""

    organiser: str
    operator: str
    contact: str
    site_code: str
    icp_record: str
    psb_record: str
    party_gov_mark_url: str

    @classmethod
    def of(cls, settings: Settings) -> SiteIdentity:
        return cls(
            organiser=settings.site_organiser.strip(),
            operator=settings.site_operator.strip(),
            contact=settings.site_contact.strip(),
            site_code=settings.site_code.strip(),
            icp_record=settings.icp_record.strip(),
            psb_record=settings.psb_record.strip(),
            party_gov_mark_url=settings.party_gov_mark_url.strip(),
        )

    @property
    def icp_url(self) -> str:
        return ICP_QUERY_URL

    @property
    def psb_url(self) -> str:
        """The record's query page: the record code is the number's digits."""
        return PSB_QUERY_URL.format(digits="".join(re.findall(r"\d", self.psb_record)))

    def error_report_url(self, page_url: str) -> str:
        """「政府网站找错」 for the page at `page_url` (empty without a 网站标识码)."""
        if not self.site_code:
            return ""
        return ERROR_REPORT_URL.format(
            code=quote(self.site_code, safe=""), url=quote(page_url, safe="")
        )
