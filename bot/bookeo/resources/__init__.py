"""One class per Bookeo resource; reach them as attributes of `BookeoClient`."""

from .availability import Availability
from .bookings import Bookings
from .customers import Customers
from .holds import Holds
from .payments import Payments
from .settings import Settings
from .webhooks import Webhooks

__all__ = ["Availability", "Bookings", "Customers", "Holds", "Payments", "Settings", "Webhooks"]
