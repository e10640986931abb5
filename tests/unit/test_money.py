"""Amounts read the way a person means them (bot/money.py), and written back with Babel."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel.numbers import format_decimal, get_currency_precision
from hypothesis import example, given
from hypothesis import strategies as st

from bot.config import Settings
from bot.money import Ambiguous, AmountError, locale_for_zone, parse_amount
from bot.wording import amount, method_label

D = Decimal


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12,50", D("12.50")),
        ("12.50", D("12.50")),
        ("1,250.00", D("1250.00")),
        ("1.250,00", D("1250.00")),
        ("1 250,00", D("1250.00")),
        ("1'250.50", D("1250.50")),
        ("$12.50", D("12.50")),
        ("12.50 USD", D("12.50")),
        ("USD 12.50", D("12.50")),
        ("usd12.5", D("12.50")),
        ("-5", D("-5.00")),
        ("-$5", D("-5.00")),
        ("−5,5", D("-5.50")),
        (".5", D("0.50")),
        ("250.000,5", D("250000.50")),
        ("１２．５", D("12.50")),
        ("0,250", D("0.25")),
    ],
)
def test_what_people_type(text: str, value: Decimal) -> None:
    assert parse_amount(text, currency="USD", locale="en_AU") == value


def test_the_ambiguous_thousands_mark_is_asked_back() -> None:
    with pytest.raises(Ambiguous) as asked:
        parse_amount("1,250", currency="USD", locale="en_AU")
    assert asked.value.readings == (D("1250"), D("1.25"))
    assert "Did you mean 1,250.00 or 1.25?" in asked.value.message
    with pytest.raises(Ambiguous) as asked_de:
        parse_amount("1.250", currency="EUR", locale="de_DE")
    assert "1.250,00 or 1,25" in asked_de.value.message  # in the business's own marks


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("€12.50", "EUR"),
        ("12.50 EUR", "not EUR"),
        ("A$5", "AUD"),
        ("twenty", "Enter an amount"),
        ("²³", "Enter an amount"),
        ("10^20", "Enter an amount"),
        ("100000000000000000000", "more than"),
        ("1e5", "Enter an amount"),
        ("NaN", "Enter an amount"),
        ("0", "other than zero"),
        ("12.5055", "at most 2 decimals"),
        ("1,255", "For 1,255.00 USD, type 1255."),  # or 1.25 mistyped: never guessed
        ("12 50", "Enter an amount"),
        ("1,2,3", "Enter an amount"),
        ("٣", "Enter an amount"),
        ("", "Enter an amount"),
    ],
)
def test_what_is_refused_and_why(text: str, said: str) -> None:
    with pytest.raises(AmountError) as refused:
        parse_amount(text, currency="USD", locale="en_AU")
    assert said in refused.value.message


def test_currencies_without_decimals() -> None:
    assert parse_amount("1,250", currency="JPY", locale="ja_JP") == D("1250")
    with pytest.raises(AmountError, match="no decimals"):
        parse_amount("12.5", currency="JPY", locale="ja_JP")


LOCALES = st.sampled_from(["en_AU", "en_US", "de_DE", "fr_FR", "de_CH", "ja_JP", "en_GB"])
CENTS = st.integers(min_value=-100_000_000, max_value=100_000_000).filter(lambda c: c != 0)


@given(cents=CENTS, locale=LOCALES)
@example(cents=125_000, locale="en_AU")
def test_what_the_bot_writes_it_reads_back(cents: int, locale: str) -> None:
    """Every amount the bot shows (Babel, in any of these locales) reads back as itself."""
    value = D(cents).scaleb(-2)
    shown = amount(value, "USD", locale=locale)
    assert parse_amount(shown, currency="USD", locale=locale) == value
    bare = amount(value, "USD", locale=locale, code=False)
    assert parse_amount(bare, currency="USD", locale="en_AU") == value


@given(cents=st.integers(min_value=1, max_value=100_000_000), locale=LOCALES)
def test_decimals_typed_with_either_mark(cents: int, locale: str) -> None:
    value = D(cents).scaleb(-2)
    plain = format(value, "f")
    assert parse_amount(plain, currency="USD", locale=locale) == value
    assert parse_amount(plain.replace(".", ","), currency="USD", locale=locale) == value
    grouped = format_decimal(value, format="#,##0.00", locale="de_DE")
    assert parse_amount(grouped, currency="USD", locale=locale) == value


@given(text=st.text(max_size=60))
@example(text="100000000000000000000000000")  # past Decimal's 28 digits
@example(text="1" * 40 + ".5")
def test_any_text_is_an_amount_or_a_sentence(text: str) -> None:
    """Never a crash: a Decimal within bounds, or an AmountError with something to say."""
    said = ""
    try:
        value = parse_amount(text, currency="USD", locale="en_AU")
    except AmountError as error:
        said = error.message
    if said:
        assert said.endswith((".", "?"))
    else:
        assert value != 0 and abs(value) <= D(1_000_000) and value == value.quantize(D("0.01"))


def test_amounts_are_formatted_by_babel() -> None:
    assert amount(D("1250.5"), "USD", locale="en_US") == "1,250.50 USD"
    assert amount(D("1250.5"), "EUR", locale="de_DE") == "1.250,50 EUR"
    assert amount(D("1250"), "JPY", locale="ja_JP") == "1,250 JPY"
    assert amount(D("-100"), "USD", locale="en_US") == "-100.00 USD"


def test_methods_as_people_say_them() -> None:
    assert method_label("creditCard") == "Credit card"
    assert method_label("checque") == "Cheque"
    assert method_label("other", "voucher book") == "Other (voucher book)"
    assert method_label("giftCard") == "Gift card"  # one Bookeo adds later


def test_the_locale_setting_defaults_from_the_zone() -> None:
    assert locale_for_zone("Australia/Sydney") == "en_AU"
    assert locale_for_zone("Europe/Berlin") == "de_DE"
    assert locale_for_zone("UTC") == "en_US"
    settings = Settings(_env_file=None, business_timezone="Australia/Sydney")
    assert settings.business_locale == "en_AU"
    assert Settings(_env_file=None, locale="de-CH").business_locale == "de_CH"
    with pytest.raises(ValueError, match="not a locale"):
        Settings(_env_file=None, locale="xx_nowhere")


@pytest.mark.parametrize(("text", "currency"), [("12.505", "USD"), ("12,505", "USD")])
def test_three_decimals_in_a_two_decimal_currency_are_not_thousands(
    text: str, currency: str
) -> None:
    with pytest.raises(AmountError) as refused:
        parse_amount(text, currency=currency, locale="en_US")
    assert not isinstance(refused.value, Ambiguous)
    assert refused.value.message == (
        "USD amounts have at most 2 decimals. For 12,505.00 USD, type 12505."
    )


def _decimal_reading(text: str) -> Decimal | None:
    """`text` read with its last mark as the decimal mark, when that mark occurs once."""
    marks = [c for c in text if c in ".,"]
    if not marks or marks.count(marks[-1]) > 1:
        return None
    whole, _, fraction = text.rpartition(marks[-1])
    digits = "".join(c for c in whole if c.isdigit()) or "0"
    return D(f"{digits}.{fraction}") if fraction.isdigit() else None


@given(
    whole=st.integers(min_value=0, max_value=999_999),
    fraction=st.text(alphabet="0123456789", min_size=1, max_size=4),
    mark=st.sampled_from([".", ","]),
    grouping=st.sampled_from(["", ",", ".", " "]),
    currency=st.sampled_from(["USD", "EUR", "KWD", "JPY"]),
    locale=LOCALES,
)
@example(whole=12, fraction="505", mark=".", grouping="", currency="USD", locale="en_US")
@example(whole=1, fraction="250", mark=",", grouping="", currency="USD", locale="en_US")
def test_decimals_are_never_read_as_thousands_without_asking(
    whole: int, fraction: str, mark: str, grouping: str, currency: str, locale: str
) -> None:
    """Whatever is typed, a value that could have been meant with decimals is never taken
    1,000 times bigger: it is asked back, refused, or read as those decimals."""
    text = f"{whole:,}".replace(",", grouping) + mark + fraction
    meant = _decimal_reading(text)
    try:
        value = parse_amount(text, currency=currency, locale=locale)
    except AmountError:
        return
    if meant is not None and get_currency_precision(currency) > 0:
        assert value != meant * 1000 or meant == meant.to_integral_value(), text
        assert value == meant, text
