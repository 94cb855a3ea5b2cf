"""Scripts that measure speed and capacity. They print figures; they assert nothing."""
