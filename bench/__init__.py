"""`just bench`: measure the speed targets and print a report (never asserts: noisy machines)."""
