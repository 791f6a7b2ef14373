"""The channels speak their protocols: a MIME e-mail with a plain and an HTML part and an
encoded Chinese subject, over real SMTP; a signed JSON request to the SMS gateway stand-in.
And every message text comes from a template that the documentation shows exactly."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from publisher.notifications.catalogue import EVENTS, messages_markdown
from publisher.notifications.channels import DeliveryError, EmailChannel
from publisher.notifications.messages import SMS_SEGMENT, events, has_sms, render, segments
from publisher.notifications.sms import HttpSmsGateway
from publisher.notifications.vocabulary import ChannelName
from publisher.settings import PROJECT_ROOT, Settings
from tests.notifications.conftest import WorkerClock, queue, rows
from tests.support.mail import Mailbox, text_of
from tests.support.outbox import deliver
from tests.support.sms import SmsGateway

SAMPLE = EVENTS[2]  # approved


def test_an_email_has_a_text_and_an_html_part_and_an_encoded_chinese_subject(
    mail_settings: Settings, mailbox: Mailbox
) -> None:
    message = render(SAMPLE.name, ChannelName.EMAIL, SAMPLE.sample, base_url="https://x.gov.cn")
    built = EmailChannel(mail_settings).build("li@example.cn", message, "outbox-7")
    raw = built.as_bytes()
    assert b"Subject: =?utf-8?" in raw and "参会".encode() not in raw.split(b"\n\n")[0]
    EmailChannel(mail_settings).send("li@example.cn", message, "outbox-7")
    [received] = mailbox.messages
    assert received["Subject"] == "参会申请结果：已同意 — 市政府第十次全体会议"
    assert received["Message-ID"] == "<outbox-7@smx.gov.cn>"
    assert received.get_content_type() == "multipart/alternative"
    html = received.get_body(preferencelist=("html",))
    assert html is not None
    content = html.get_content()
    assert '<a href="https://x.gov.cn/a/CH-7K3Q9-XWM2T">' in content
    assert "已同意" in content and "已同意" in text_of(received)


def test_html_escapes_what_staff_typed(mail_settings: Settings) -> None:
    sample = SAMPLE.sample | {"note": "<script>alert(1)</script>"}
    message = render(SAMPLE.name, ChannelName.EMAIL, sample, base_url="https://x.gov.cn")
    assert message.html is not None and "<script>" not in message.html
    assert "&lt;script&gt;" in message.html and "<script>" in message.text


def test_an_unreachable_smtp_server_is_a_temporary_failure(mail_settings: Settings) -> None:
    down = mail_settings.model_copy(update={"smtp_port": 1})
    message = render(SAMPLE.name, ChannelName.EMAIL, SAMPLE.sample, base_url="")
    with pytest.raises(DeliveryError) as unreachable:
        EmailChannel(down, timeout=2).send("li@example.cn", message, "outbox-1")
    assert not unreachable.value.permanent  # a server that is down may come back


def test_an_sms_reaches_the_gateway_signed_and_whole(
    notify_settings: Settings, sms_gateway: SmsGateway, session_factory: sessionmaker[Session]
) -> None:
    queue(session_factory, 1, phone="13800138000")
    assert deliver(notify_settings).sent == 1
    [sent] = sms_gateway.sent
    assert sent.phone == "13800138000" and sent.out_id == "outbox-1"
    assert "CH-00000-AAAAA" in sent.content and "http://testserver/a/CH-00000-AAAAA" in sent.content
    assert sms_gateway.bad_signatures == 0


def test_a_wrong_secret_is_refused_by_the_gateway_and_shown_as_failed(
    notify_settings: Settings, sms_gateway: SmsGateway, session_factory: sessionmaker[Session]
) -> None:
    queue(session_factory, 1, phone="13800138000")
    wrong = notify_settings.model_copy(update={"sms_app_secret": "not-the-secret"})
    assert deliver(wrong).failed == 1
    assert sms_gateway.sent == [] and sms_gateway.bad_signatures == 1
    [row] = rows(session_factory)
    assert row.status == "failed" and "SIGNATURE_INVALID" in (row.last_error or "")


def test_a_busy_gateway_is_retried(
    notify_settings: Settings, sms_gateway: SmsGateway, session_factory: sessionmaker[Session]
) -> None:
    queue(session_factory, 2, phone="13800138000")
    sms_gateway.unavailable_next = 2
    clock = WorkerClock()
    assert deliver(notify_settings, clock=clock).retried == 2
    clock.advance(31)
    assert deliver(notify_settings, clock=clock).sent == 2
    assert len(sms_gateway.sent) == 2


def test_the_gateway_request_is_the_documented_one(notify_settings: Settings) -> None:
    gateway = HttpSmsGateway(notify_settings)
    headers, body = gateway.request(
        "13800138000", render(SAMPLE.name, ChannelName.SMS, SAMPLE.sample, base_url=""), "outbox-3"
    )
    assert set(headers) == {
        "Content-Type",
        "X-App-Key",
        "X-Timestamp",
        "X-Nonce",
        "X-Signature",
    }
    assert (
        body.startswith(b'{"phone":"13800138000","sign_name":"') and b'"out_id":"outbox-3"' in body
    )
    doc = (PROJECT_ROOT / "docs" / "notifications.md").read_text(encoding="utf-8")
    for name in headers:
        assert f"`{name}`" in doc


@pytest.mark.parametrize("event", [e for e in events() if has_sms(e)])
def test_every_sms_fits_two_segments_and_one_when_the_title_allows(event: str) -> None:
    sample = next(e.sample for e in EVENTS if e.name == event)
    long_title = sample | {
        "title": "关于印发三门峡市城区老旧小区改造和背街小巷整治提升三年行动方案的通知"
    }
    for context in (sample, long_title):
        text = render(
            event,
            ChannelName.SMS,
            context,
            base_url="https://ygk.smx.gov.cn",
            sign_name="三门峡市政府",
        ).text
        whole = f"【三门峡市政府】{text}"
        assert segments(whole) <= 2, whole
        assert str(context["receipt"]) in text and "https://ygk.smx.gov.cn/" in text
    short = render(event, ChannelName.SMS, sample, base_url="", sign_name="")
    assert len(short.text) <= 2 * SMS_SEGMENT


def test_every_template_is_catalogued_and_the_document_shows_the_exact_texts() -> None:
    assert sorted(e.name for e in EVENTS) == events()
    doc = (PROJECT_ROOT / "docs" / "notifications.md").read_text(encoding="utf-8")
    assert messages_markdown() in doc, (
        "docs/notifications.md is out of date: paste `publisher outbox messages` into it"
    )
