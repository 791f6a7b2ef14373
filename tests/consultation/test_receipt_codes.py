"""Receipt codes as people type them back (issue #18: codes typed with spaces, without hyphens,
with full-width dashes or in lower case were "not found", though the pages promise they work)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from publisher.receipts import new_receipt_code, normalise_receipt_code
from tests.support.bodies import comment_body, open_consultation
from tests.support.staff import StaffFixture

CODE = "YJ-7K3Q9-XWM2T"


@pytest.mark.parametrize(
    "typed",
    [
        CODE,
        "yj-7k3q9-xwm2t",
        " YJ 7K3Q9 XWM2T ",
        "YJ7K3Q9XWM2T",
        "ＹＪ－７Ｋ３Ｑ９－ＸＷＭ２Ｔ",  # a full-width keyboard
        "YJ—7K3Q9—XWM2T",
        "YJ一7K3Q9一XWM2T",  # the pinyin keyboard's 一 for "-"
        "YJ–7K3Q9 - XWM2T",
        "YJ\u30007K3Q9\u3000XWM2T",  # ideographic spaces
    ],
)
def test_what_people_type_finds_the_code(typed: str) -> None:
    assert normalise_receipt_code(typed) == CODE


def test_misread_letters_and_other_shapes() -> None:
    assert normalise_receipt_code("CH-0I1L0-ABCDE") == "CH-01110-ABCDE"
    assert normalise_receipt_code("回执码YJ7K3Q9XWM2T") == "回执码YJ7K3Q9XWM2T"  # misses
    assert normalise_receipt_code("YJ-7K3Q9") == "YJ7K3Q9"
    fresh = new_receipt_code("CH")
    assert normalise_receipt_code(fresh) == fresh


def test_a_comment_is_found_by_its_code_typed_loosely(
    client: TestClient, staff: StaffFixture
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    receipt = client.post(f"/api/v1/consultations/{draft_id}/comments", json=comment_body()).json()[
        "receipt_code"
    ]
    loose = receipt.replace("-", "－").lower()
    assert client.get(f"/api/v1/comments/{loose}").status_code == 200
    assert client.get(f"/api/v1/comments/{receipt.replace('-', ' ')}").status_code == 200
