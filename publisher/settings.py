"""All configuration, in one place.

Every setting is read from an environment variable with the prefix ``PUBLISHER_`` (for example
``PUBLISHER_DATABASE_URL``) or from a ``.env`` file in the working directory. Each field's
``description`` is its documentation: ``docs/configuration.md`` is generated from it
(``publisher settings --markdown``) and a test fails when a setting has none or the file is stale.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from publisher.staff.secrets import HashProfile, PasswordHasher, password_hasher

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "development-only-secret-key-do-not-use-in-production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PUBLISHER_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = Field(
        "development",
        description="`development`, `test` or `production`. Outside development, secrets must "
        "be set explicitly and session cookies are marked `Secure`.",
    )
    database_url: str = Field(
        "",
        description="SQLAlchemy URL of the database. Empty means SQLite at "
        "`<data_dir>/publisher.sqlite3`. For PostgreSQL: "
        "`postgresql+psycopg://user:password@host:5432/dbname`.",
    )
    data_dir: Path = Field(
        PROJECT_ROOT / "var",
        description="Folder for the embedded SQLite database, uploaded attachments when "
        "`PUBLISHER_BLOB_STORE` is `disk`, and caches.",
    )
    blob_store: Literal["auto", "database", "disk"] = Field(
        "auto",
        description="Where uploaded attachments are kept: `database` (chunked rows in the "
        "service's database, shared by every process and machine and backed up by `pg_dump`), "
        "`disk` (`<data_dir>/attachments/`, one machine only) or `auto` (the database on "
        "PostgreSQL, disk on SQLite). Files already on disk move into the database with "
        "`publisher blobs migrate`.",
    )
    datasets_dir: Path = Field(
        PROJECT_ROOT / "datasets",
        description="Folder holding the published open data (Data Package, CSV, schemas).",
    )
    calendar_dir: Path = Field(
        PROJECT_ROOT / "datasets" / "calendar",
        description="Folder of per-year working-day arrangement files (`YYYY.json`): the "
        "base calendar (bundled years); years installed on /staff/calendar or with "
        "`publisher calendar load FILE` live in the database and win over a file of the same "
        "year; `publisher calendar load --folder FILE` installs a file here instead.",
    )
    calendar_check_seconds: float = Field(
        2.0,
        ge=0,
        le=300,
        description="How often a process asks the database whether a calendar year was "
        "installed (one indexed query); 0 asks at every lookup. The folder's files are checked "
        "at every lookup.",
    )
    cache_check_seconds: float = Field(
        1.0,
        ge=0,
        le=60,
        description="The longest a process serves a feed kept in memory without asking the "
        "database whether another process changed what it shows (one query on a small table; "
        "its own writes are seen at once). 0 asks at every request.",
    )
    notice_counting: Literal["civil-code", "inclusive"] = Field(
        "civil-code",
        description="How meeting-notice leads are counted: `civil-code` (Civil Code art. 201: "
        "the publication day and the meeting day not counted) or `inclusive` (the office's "
        "convention: the publication day counts when published before the working day starts). "
        "See docs/working-days.md.",
    )
    consultation_counting: Literal["civil-code", "inclusive"] = Field(
        "civil-code",
        description="How consultation windows are counted: `civil-code` (the opening day not "
        "counted) or `inclusive` (both ends counted; the opening day counts when the window "
        "opens before the working day starts).",
    )
    workday_starts_at: dt.time = Field(
        dt.time(9, 0),
        description="When the working day starts (HH:MM), for the `inclusive` counting.",
    )
    notice_lead_days: dict[str, int] = Field(
        default_factory=dict,
        description="Working days of notice per meeting kind, as JSON, e.g. "
        '`{"executive": 2, "other": 2}`; kinds not listed keep their default (plenary 3, '
        "fixed as a minimum by art. 3; executive 1; economic_work_conference 3; other 1).",
    )
    gazette_sources: dict[str, str] = Field(
        {"三门峡市人民政府公报": "sanmenxia-gazette"},
        description="The gazettes `publisher ingest gazette` accepts, as JSON mapping each "
        "gazette's title (as its masthead prints it) to a file-name slug (lower-case letters, "
        "digits, hyphens). An issue is identified by (title, year, number); any other gazette "
        "is refused. The `sanmenxia-gazette` issues keep the ids `YYYY-NN`; another "
        "source's issues get `<slug>-YYYY-NN`, so they can never replace ours.",
    )
    gazette_max_bytes: int = Field(
        4_000_000,
        ge=10_000,
        description="Largest gazette text `publisher ingest gazette` reads, in bytes (an issue "
        "is about 120 KB); larger input is refused before it is parsed.",
    )
    # --- the site's identity (政府网站标识), shown in every public page's footer ---
    site_organiser: str = Field(
        "三门峡市人民政府办公室",
        description="主办单位: the office that runs the site, first in every public page's footer.",
    )
    site_operator: str = Field(
        "",
        description="承办单位 (optional): the unit that operates the site for the organiser; "
        "empty leaves it out of the footer.",
    )
    site_contact: str = Field(
        "",
        description="联系方式: the office's telephone and/or postal address as the footer shows "
        "it, e.g. `0398-2800000；三门峡市崤山路中段`. Reported missing by the self-inspection.",
    )
    site_code: str = Field(
        "",
        description="网站标识码: the 10-character code the State Council's government website "
        "register assigned to the site, e.g. `4112000001`. Shown in the footer and used to "
        "build the 「政府网站找错」 link; missing in production is reported by the "
        "self-inspection (a veto indicator).",
    )
    icp_record: str = Field(
        "",
        description="ICP备案号, e.g. `豫ICP备12345678号`, linked to the MIIT query page "
        "(https://beian.miit.gov.cn/). Missing in production is reported by the "
        "self-inspection (a veto indicator).",
    )
    psb_record: str = Field(
        "",
        description="公安机关备案号, e.g. `豫公网安备 41120202000123号`, linked to the public "
        "security record query page with the number's digits. Reported missing by the "
        "self-inspection.",
    )
    organisation_code: str = Field(
        "",
        description="The organiser's 统一社会信用代码 (or 组织机构代码), the first part of each "
        "gazette document's 索引号 (`<code>/<year>-<NN><PPP>`, docs/government-website.md); "
        "empty leaves it out.",
    )
    party_gov_mark_url: str = Field(
        "",
        description="党政机关网站标识 (optional): the URL the red 党政机关 mark links to (the "
        "organiser's record at the registration authority, conac.cn); empty leaves the mark "
        "out of the footer.",
    )
    # --- notices that travel: the printable A4 notice and its PDF (docs/printing.md) ---
    pdf_font: Path | None = Field(
        None,
        description="A TrueType font (.ttf, or a .ttc collection) with Chinese characters, "
        "embedded in the A4 notice PDFs. Unset: the first found of the Debian fonts "
        "`fonts-wqy-zenhei`, `fonts-wqy-microhei`, `fonts-droid-fallback`, `fonts-arphic-uming`. "
        "With none found, the PDF answers 503 with a Chinese explanation (the print page and "
        "everything else keep working).",
    )
    secret_key: str = Field(
        "",
        description="Key of the HMAC-SHA-256 digests under which rate limits count client "
        "addresses (an unkeyed digest of an IPv4 address is reversed by trying all 2³²). "
        "Session cookies and CSRF tokens are random values checked against the database and "
        "need no key. Required in production; generate one with "
        "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`.",
    )
    base_url: str = Field(
        "http://127.0.0.1:8000",
        description="Public URL of the service, used in feeds, calendar events, e-mails and DCAT. "
        "Required in production. Elsewhere, when unset, `publisher serve` uses the address it "
        "listens on (`--host`/`--port`, a wildcard host read as the loopback), so the links of "
        "`scripts/serve --port 8101` point at port 8101.",
    )
    allowed_hosts: str = Field(
        "",
        description="Comma-separated Host names answered besides the host of `base_url` and the "
        "loopback names (add the address a load balancer's health check uses). Requests for any "
        "other host get 400, so no redirect or link can be built from a forged Host header.",
    )
    trusted_proxies: str = Field(
        "",
        description="Comma-separated addresses or networks (CIDR) of the reverse proxies whose "
        "`X-Forwarded-For` and `X-Forwarded-Proto` are believed, e.g. `10.0.0.5` or "
        "`10.0.0.0/24`. Empty (the default) believes nobody: the connecting address is the "
        "client's. Set it to your proxy's address, never to `*` on a public interface, or "
        "clients choose the address the rate limits count.",
    )
    host: str = Field(
        "127.0.0.1",
        description="Address `publisher serve` listens on; `::` is every IPv6 and IPv4 address "
        "(dual stack, docs/deploy.md).",
    )
    port: int = Field(8000, description="Port `publisher serve` listens on.")
    workers: int = Field(
        1,
        ge=1,
        le=64,
        description="Worker processes `publisher serve` runs on its port (uvicorn workers; "
        "`--workers` overrides). With more than one, use PostgreSQL: SQLite has one writer.",
    )
    max_request_bytes: int = Field(
        1_048_576,
        description="Largest request body accepted outside attachment uploads (bytes); larger "
        "requests get 413.",
    )
    max_upload_bytes: int = Field(
        20_971_520, description="Largest attachment upload accepted (bytes)."
    )
    comment_file_max_bytes: int = Field(
        5_242_880,
        ge=1,
        description="Largest file a citizen may attach to a comment (bytes; PDF, DOCX, JPEG or "
        "PNG). Larger files are refused with 413 and nothing is stored.",
    )
    comment_files_max_count: int = Field(
        3, ge=0, le=20, description="Most files a citizen may attach to one comment (0: none)."
    )
    comment_files_max_total_bytes: int = Field(
        10_485_760,
        ge=1,
        description="Largest total of the files attached to one comment (bytes). The request "
        "carrying them is also bounded by `max_upload_bytes`, which should be larger.",
    )
    smtp_host: str = Field(
        "", description="SMTP server for notification e-mails. Empty disables e-mail."
    )
    smtp_port: int = Field(25, description="SMTP server port.")
    smtp_username: str = Field("", description="SMTP user name, if the server needs one.")
    smtp_password: str = Field("", description="SMTP password, if the server needs one.")
    smtp_starttls: bool = Field(False, description="Use STARTTLS when talking to the SMTP server.")
    mail_from: str = Field(
        "noreply@smx.gov.cn", description="Sender address of notification e-mails."
    )
    sms_gateway_url: str = Field(
        "",
        description="URL of the HTTP SMS gateway (docs/notifications.md describes the request). "
        "Empty disables SMS.",
    )
    sms_app_key: str = Field("", description="Application key given by the SMS gateway.")
    sms_app_secret: str = Field(
        "", description="Secret that signs requests to the SMS gateway (HMAC-SHA256)."
    )
    sms_sign_name: str = Field(
        "三门峡市政府",
        description="SMS signature name registered with the gateway, shown as 【…】 before "
        "each text; it counts towards the 70 characters of a segment.",
    )
    outbox_worker: bool = Field(
        True,
        description="Deliver the notification outbox from inside `publisher serve` (a background "
        "thread). Turn off when `publisher outbox run` runs as a separate service.",
    )
    outbox_poll_seconds: float = Field(
        5.0, gt=0, le=3600, description="How often the outbox worker looks for due messages."
    )
    outbox_max_attempts: int = Field(
        8,
        ge=1,
        le=50,
        description="Attempts before a message is marked failed and shown to staff for a retry.",
    )
    outbox_retry_seconds: float = Field(
        30.0,
        gt=0,
        description="Wait after the first failed attempt; each further failure doubles it "
        "(at most 6 hours).",
    )
    outbox_lease_seconds: float = Field(
        300.0,
        gt=0,
        description="How long a worker holds the messages it claimed. A worker that stops "
        "without finishing: after this, its unsent messages go back to the queue, and one it "
        "was sending is marked failed (it may have gone out) for staff to retry.",
    )
    ckan_url: str = Field(
        "", description="Base URL of the city's CKAN catalogue. Empty disables CKAN publishing."
    )
    ckan_api_token: str = Field(
        "", description="API token of the CKAN user that publishes the datasets."
    )
    ckan_organization: str = Field(
        "sanmenxia-gov",
        description="Name (slug) of the CKAN organisation the datasets belong to.",
    )
    ckan_push_interval_seconds: int = Field(
        0,
        description="Seconds between background pushes to CKAN while the service runs; 0 turns "
        "the background push off.",
    )
    db_pool_size: int = Field(
        10,
        ge=1,
        le=200,
        description="Database connections one process keeps open (SQLAlchemy pool size); up to "
        "as many again are opened under bursts. Each worker has its own pool: a machine opens "
        "up to `workers × 2 × db_pool_size`, and the sum over machines must stay under "
        "PostgreSQL's `max_connections` (docs/deploy.md).",
    )
    db_pool_timeout_seconds: float = Field(
        3.0,
        gt=0,
        le=60,
        description="How long a request waits for a free database connection before it is "
        "answered 503 with Retry-After, instead of hanging (a burst must not freeze the service).",
    )
    db_connect_timeout_seconds: float = Field(
        3.0,
        gt=0,
        le=60,
        description="PostgreSQL only: how long opening a connection may take before the "
        "attempt fails (libpq `connect_timeout`, whole seconds, at least 2). With the database "
        "machine gone, requests are answered 503 with Retry-After within about this time.",
    )
    shared_cache_seconds: int = Field(
        30,
        ge=0,
        le=3600,
        description="Public GET answers carry `Cache-Control: public, max-age=0, s-maxage=N, "
        "stale-while-revalidate=N`: a reverse proxy or CDN serves its copy for N seconds and "
        "refreshes it in the background for N more, so a publication shows through a proxy "
        "at most 2N seconds late. Staff and personal answers are always `private, no-store`.",
    )
    shutdown_grace_seconds: int = Field(
        20,
        ge=1,
        le=600,
        description="On SIGTERM `publisher serve` stops accepting connections and lets the "
        "requests in flight finish for at most this long, then exits 0. Keep it under the "
        "orchestrator's kill timeout (docker's default `stop_grace_period` is 10 s: "
        "docker-compose.yml sets 30 s).",
    )
    password_hash_profile: HashProfile = Field(
        "argon2id",
        description="How staff passwords are hashed: `argon2id` (argon2-cffi's defaults, RFC "
        "9106 low-memory) or `cheapest-for-tests` (argon2's cheapest parameters, so the test "
        "suite does not spend minutes hashing; refused in production).",
    )

    def rule_options(self) -> dict[str, Any]:
        """The rule settings, as `RuleBook.of` takes them (the service and the CLI alike)."""
        return {
            "notice_counting": self.notice_counting,
            "consultation_counting": self.consultation_counting,
            "lead_days": self.notice_lead_days,
            "workday_starts": self.workday_starts_at,
        }

    @model_validator(mode="after")
    def _notice_leads_within_the_rule(self) -> Settings:
        """Refused at start-up, not at the first deadline: an unknown kind, a lead under 1, or
        a plenary lead under the rule's 3 working days."""
        from publisher.rules.predisclosure import notice_leads  # noqa: PLC0415  (no cycle)

        try:
            notice_leads(self.notice_lead_days)  # type: ignore[arg-type]
        except Exception as exc:  # an unknown kind (ValueError) or a lead under the rule
            raise ValueError(f"PUBLISHER_NOTICE_LEAD_DAYS: {exc}") from None
        return self

    @model_validator(mode="after")
    def _gazette_slugs(self) -> Settings:
        """Slugs become file names and ids: refused at start-up when they could not be."""
        slugs = list(self.gazette_sources.values())
        bad = [s for s in slugs if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", s) or len(s) > 40]
        if bad or len(set(slugs)) != len(slugs) or not slugs:
            raise ValueError(
                "PUBLISHER_GAZETTE_SOURCES: one distinct slug per title, "
                f"[a-z0-9-] up to 40 characters (got {slugs})"
            )
        return self

    @model_validator(mode="after")
    def _secrets_outside_development(self) -> Settings:
        if not self.secret_key:
            if self.environment == "production":
                raise ValueError(
                    "PUBLISHER_SECRET_KEY must be set when PUBLISHER_ENVIRONMENT=production"
                )
            self.secret_key = (
                DEV_SECRET_KEY if self.environment == "development" else secrets.token_urlsafe(32)
            )
        elif self.environment == "production" and self.secret_key == DEV_SECRET_KEY:
            raise ValueError("the development secret key cannot be used in production")
        if self.environment == "production" and self.password_hash_profile != "argon2id":
            raise ValueError("production hashes staff passwords with argon2id only")
        if self.environment == "production" and "base_url" not in self.model_fields_set:
            raise ValueError(
                "PUBLISHER_BASE_URL must be set in production: it is the address in feeds, "
                "calendars, e-mails and DCAT"
            )
        return self

    def serving_at(self, host: str, port: int) -> Settings:
        """These settings with, unless PUBLISHER_BASE_URL was given, the base URL of the
        address served: links then lead where the service really is."""
        if "base_url" in self.model_fields_set:
            return self
        if host in ("", "0.0.0.0"):
            host = "127.0.0.1"
        elif host == "::":
            host = "::1"
        shown = f"[{host}]" if ":" in host else host
        return self.model_copy(update={"base_url": f"http://{shown}:{port}"})

    @property
    def password_hasher(self) -> PasswordHasher:
        """The staff password hasher this configuration asks for."""
        return password_hasher(self.password_hash_profile)

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'publisher.sqlite3'}"

    @property
    def is_development(self) -> bool:
        return self.environment == "development"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests build their own `Settings` instead."""
    return Settings()


def settings_markdown() -> str:
    """The configuration reference, generated from the field descriptions."""
    lines = [
        "# Configuration",
        "",
        "Generated by `publisher settings --markdown` from `publisher/settings.py`; "
        "do not edit by hand.",
        "Every setting is an environment variable (or a line in `.env`).",
        "",
        "| variable | default | meaning |",
        "| --- | --- | --- |",
    ]
    for name, field in Settings.model_fields.items():
        default = field.default
        if isinstance(default, Path):
            default = (
                str(default.relative_to(PROJECT_ROOT))
                if default.is_relative_to(PROJECT_ROOT)
                else str(default)
            )
        shown = f"`{default}`" if default not in ("", None) else "(empty)"
        lines.append(f"| `PUBLISHER_{name.upper()}` | {shown} | {field.description} |")
    return "\n".join(lines) + "\n"
