"""The station operator's desk (issue #4, "Station operators"): scanning parcels in and out,
handing them over against the shopper's pickup code, collecting cash for pay-at-station
orders, registering produce sent to town (农产品进城), the daily manifest and the reminders.
"""
