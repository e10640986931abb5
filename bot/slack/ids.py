"""Every Slack id the bot registers or builds: one place, so the manifest test can compare."""

from __future__ import annotations

from enum import StrEnum


class Command(StrEnum):
    BOOKEO = "/bookeo"


class Action(StrEnum):
    """action_id of buttons and selects."""

    SHOW = "booking_show"
    MORE = "bookings_show_more"  # the next page of a pick-list (find, customer)
    EDIT = "booking_edit"
    CANCEL = "booking_cancel"
    PAY = "booking_pay"
    CUSTOMER = "booking_customer"
    OPEN = "booking_open_in_bookeo"
    SHARE = "booking_share"
    HOME_NEW = "home_new_booking"
    HOME_FIND = "home_find_booking"
    CREATE_PRODUCT = "create_product"
    CREATE_DATE = "create_date"
    CREATE_PEOPLE = "create_people"
    CREATE_CUSTOMER = "create_customer"
    EDIT_DATE = "edit_date"
    ONCALL_ACK = "oncall_acknowledge"


class Callback(StrEnum):
    """callback_id of modals."""

    CREATE = "booking_create_modal"
    EDIT = "booking_edit_modal"
    CANCEL = "booking_cancel_modal"
    PAY = "booking_pay_modal"
    REFUND_CONFIRM = "booking_refund_confirm_modal"
    PAY_CONFIRM = "booking_pay_confirm_modal"  # a payment above the balance due
    FIND = "booking_find_modal"
    LOADING = "booking_loading_modal"
    FIND_RESULT = "booking_find_result_modal"


class Block(StrEnum):
    """block_id of modal inputs (validation errors are keyed by these)."""

    PRODUCT = "product"
    DATE = "date"
    SLOT = "slot"
    PEOPLE_PREFIX = "people_"
    CUSTOMER = "customer"
    FIRST_NAME = "first_name"
    LAST_NAME = "last_name"
    EMAIL = "email"
    PHONE = "phone"
    NOTES = "notes"
    NOTIFY = "notify"
    REASON = "reason"
    POLICY = "policy"
    AMOUNT = "amount"
    METHOD = "method"
    METHOD_OTHER = "method_other"
    COMMENT = "comment"
    RECEIVED = "received"
    QUERY = "query"


class Event(StrEnum):
    APP_HOME_OPENED = "app_home_opened"
