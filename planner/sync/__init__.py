"""Keeping a calendar equal to the plan: the engine (``engine``) and one adapter per service.

``engine`` is domain code (no clock, no UI, no network library); each adapter module
(``caldav``) imports its network library and is loaded only when sync runs.
"""
