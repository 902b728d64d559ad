"""Vendor settlement: statements per vendor and period, their frozen lines, payment."""
