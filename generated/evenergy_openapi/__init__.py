"""A client library for accessing ev.energy v2 API (EVSE sites and CPMS providers)"""
