"""Validators (python-stdnum based) and the encryption / blind-index round trip, with hypothesis."""

from __future__ import annotations

import os
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.cn import ric, uscc

from wageguard.security.crypto import Protector, normalise
from wageguard.validation import (
    Invalid,
    bank_card_warnings,
    format_fen,
    id_number_warnings,
    parse_amount_fen,
    parse_bank_card,
    parse_bool,
    parse_code,
    parse_date,
    parse_datetime,
    parse_id_number,
    parse_mobile,
    parse_uscc,
)
from wageguard.validation.identifiers import luhn_ok

births = st.dates(min_value=date(1930, 1, 1), max_value=date(2010, 12, 31))
areas = st.sampled_from(["520102", "520602", "520621", "110101", "440305", "999999"])
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def build_id(area: str, born: date, seq: int) -> str:
    body = f"{area}{born:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


@given(areas, births, st.integers(0, 999))
def test_generated_id_numbers_round_trip(area: str, born: date, seq: int) -> None:
    number = build_id(area, born, seq)
    checked = parse_id_number(f" {number[:6]} {number[6:]} ")
    assert checked.number == number
    assert checked.birth_date == born
    assert checked.gender == ("M" if seq % 2 else "F")


@given(areas, births, st.integers(0, 999), st.integers(0, 17), st.integers(1, 10))
def test_any_single_character_corruption_of_an_id_is_caught(
    area: str, born: date, seq: int, position: int, shift: int
) -> None:
    number = build_id(area, born, seq)
    alphabet = "0123456789X" if position == 17 else "0123456789"
    wrong = alphabet[(alphabet.index(number[position]) + shift) % len(alphabet)]
    if wrong == number[position]:
        return
    corrupted = number[:position] + wrong + number[position + 1 :]
    with pytest.raises(Invalid):
        parse_id_number(corrupted)


def test_id_errors_have_codes_and_both_languages() -> None:
    good = build_id("520102", date(2000, 5, 6), 12)
    bad_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(Invalid) as exc:
        parse_id_number(bad_check)
    assert exc.value.notice.code == "id.checksum"
    assert exc.value.notice.message_zh == "身份证号校验位错误"
    assert "check digit" in exc.value.notice.message_en
    for value, code in [("1234", "id.length"), ("52010220001A0612X3", "id.format")]:
        with pytest.raises(Invalid) as exc:
            parse_id_number(value)
        assert exc.value.notice.code == code
    bad_date = "520102" + "20001340" + "001"
    with pytest.raises(Invalid) as exc:
        parse_id_number(bad_date + ric.calc_check_digit(bad_date + "0"))
    assert exc.value.notice.code == "id.birth_date"


def test_unknown_area_code_is_only_a_warning() -> None:
    checked = parse_id_number(build_id("999999", date(1990, 1, 1), 5))
    assert [n.code for n in id_number_warnings(checked)] == ["id.area_unknown"]
    assert id_number_warnings(parse_id_number(build_id("520102", date(2001, 1, 1), 5))) == []


@given(st.sampled_from(["110103", "110104", "110111", "520602", "520603", "520102", "140891"]), births)
def test_area_warning_follows_stdnum_birth_place_years(area: str, born: date) -> None:
    checked = parse_id_number(build_id(area, born, 5))
    try:
        ric.get_birth_place(checked.number)
        in_force = True
    except (KeyError, ValueError):  # KeyError: stdnum knows the prefecture, not the county (140891)
        in_force = False
    assert (id_number_warnings(checked) == []) is in_force


@given(st.text(USCC_ALPHABET, min_size=9, max_size=9), st.sampled_from(["91", "92", "12", "51"]), areas)
def test_generated_uscc_round_trip(org: str, prefix: str, area: str) -> None:
    body = f"{prefix}{area}{org}"
    code = body + uscc.calc_check_digit(body)
    assert parse_uscc(code.lower()) == code


def test_uscc_errors() -> None:
    body = "91520102000000001"
    good = body + uscc.calc_check_digit(body)
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    for value, code in [
        (wrong, "uscc.checksum"),
        ("915201", "uscc.length"),
        ("9152010200000000IO", "uscc.format"),
    ]:
        with pytest.raises(Invalid) as exc:
            parse_uscc(value)
        assert exc.value.notice.code == code


@given(st.text("0123456789", min_size=11, max_size=18))
def test_generated_cards_round_trip_and_luhn_matches_stdnum(body: str) -> None:
    card = body + luhn.calc_check_digit(body)
    assert parse_bank_card(" ".join([card[:4], card[4:]])) == card
    assert bank_card_warnings(card) == []
    assert luhn_ok(body) == luhn.is_valid(body)


def test_card_luhn_failure_is_a_warning_and_length_an_error() -> None:
    body = "621700000000001234"
    wrong = body + str((int(luhn.calc_check_digit(body)) + 1) % 10)
    assert [n.code for n in bank_card_warnings(parse_bank_card(wrong))] == ["card.luhn"]
    assert bank_card_warnings(parse_bank_card(wrong))[0].severity == "warning"
    for value, code in [
        ("12345678901", "card.length"),
        ("62170000000000123456", "card.length"),
        ("6217ab", "card.format"),
    ]:
        with pytest.raises(Invalid) as exc:
            parse_bank_card(value)
        assert exc.value.notice.code == code


@pytest.mark.parametrize("value", ["13800138000", "+86 138 0013 8000", "138-0013-8000", 13800138000.0])
def test_mobile_numbers_normalised(value: object) -> None:
    assert parse_mobile(value) == "13800138000"


@pytest.mark.parametrize("value", ["12800138000", "1380013800", "02388886666", "abc"])
def test_bad_mobile_numbers(value: str) -> None:
    with pytest.raises(Invalid):
        parse_mobile(value)


@pytest.mark.parametrize(
    "value",
    ["2024-03-05", "2024/03/05", "2024/3/5", "20240305", "2024年3月5日", date(2024, 3, 5), 45356, 45356.0],
)
def test_dates_in_common_formats(value: object) -> None:
    assert parse_date(value) == date(2024, 3, 5)


@pytest.mark.parametrize("value", ["2024-02-30", "05/03/2024", "yesterday", "2024-13-01"])
def test_bad_dates(value: str) -> None:
    with pytest.raises(Invalid) as exc:
        parse_date(value)
    assert exc.value.notice.code == "date.invalid"


def test_datetimes() -> None:
    assert parse_datetime("2024-03-05 07:08:09") == datetime(2024, 3, 5, 7, 8, 9)
    assert parse_datetime(datetime(2024, 3, 5, 7, 8)) == datetime(2024, 3, 5, 7, 8)
    with pytest.raises(Invalid):
        parse_datetime("2024-03-05 25:00:00")


@pytest.mark.parametrize(
    ("value", "fen"),
    [("1,234.50", 123450), ("¥1234.5", 123450), ("￥ 12 元", 1200), ("0.01", 1), (12.3, 1230), (7, 700)],
)
def test_amounts_in_yuan_become_fen(value: object, fen: int) -> None:
    assert parse_amount_fen(value) == fen


@pytest.mark.parametrize("value", ["1.234", "abc", "-5", "NaN"])
def test_bad_amounts(value: str) -> None:
    with pytest.raises(Invalid):
        parse_amount_fen(value)


@given(st.integers(-(10**12), 10**12))
def test_fen_formatting_round_trips(fen: int) -> None:
    assert parse_amount_fen(format_fen(fen), allow_negative=True) == fen


def test_code_tables_accept_codes_lost_zeros_and_labels() -> None:
    table = {"010": "砌筑工", "020": "钢筋工"}
    assert parse_code("020", table) == "020"
    assert parse_code(20, table) == "020"
    assert parse_code("钢筋工", table) == "020"
    with pytest.raises(Invalid) as exc:
        parse_code("999", table, table_name="workType")
    assert exc.value.notice.code == "code.unknown"


def test_flags() -> None:
    assert parse_bool("是") is True and parse_bool("0") is False and parse_bool(True) is True
    with pytest.raises(Invalid):
        parse_bool("maybe")


PROTECTOR = Protector(os.urandom(32), os.urandom(32))
personal = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40).filter(
    lambda s: normalise(s) != ""
)


@settings(max_examples=200)
@given(personal)
def test_encrypt_decrypt_round_trip_gives_the_normalised_value(value: str) -> None:
    blob = PROTECTOR.encrypt(value)
    assert PROTECTOR.decrypt(blob) == normalise(value)
    assert PROTECTOR.encrypt(value) != blob


@given(personal, personal)
def test_blind_index_is_deterministic_and_distinguishes_values(a: str, b: str) -> None:
    assert PROTECTOR.blind_index(a) == PROTECTOR.blind_index(a)
    assert PROTECTOR.blind_index(f" {a} ") == PROTECTOR.blind_index(a)
    assert (PROTECTOR.blind_index(a) == PROTECTOR.blind_index(b)) == (normalise(a) == normalise(b))
    assert len(PROTECTOR.blind_index(a)) == 32
