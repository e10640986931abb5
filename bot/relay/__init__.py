"""The webhook relay: Bookeo deliveries in (intake), one living card per booking out."""
