"""GoodsItem.manufacturer (WCO DM Manufacturer): optional ShortText, trimmed."""

from __future__ import annotations

import json

import pytest

from eport.datamodel.validation import parse_declaration
from eport.kernel.errors import ValidationFailed
from tests.factories import import_declaration, item


def test_manufacturer_is_optional_and_trimmed() -> None:
    doc = parse_declaration(
        json.dumps(import_declaration(goodsItems=[item(manufacturer=" POSCO ")]))
    )
    assert doc.goods_items[0].manufacturer == "POSCO"
    plain = parse_declaration(json.dumps(import_declaration()))
    assert plain.goods_items[0].manufacturer is None


def test_manufacturer_is_short_text() -> None:
    too_long = import_declaration(goodsItems=[item(manufacturer="x" * 71)])
    with pytest.raises(ValidationFailed) as caught:
        parse_declaration(json.dumps(too_long))
    assert [e.pointer for e in caught.value.errors] == ["/goodsItems/0/manufacturer"]
