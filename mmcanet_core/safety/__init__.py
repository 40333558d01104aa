"""Refusing bad input before any work and never losing a file: input checks (``checks``),
output and free-space guards (``guards``), part files renamed into place only on success and
their cleaning (``partfiles``), the memory estimate (``memory``) and the optical value scale
(``optical_scale``). Pure checks at the bottom of the engine; they raise
:mod:`mmcanet_core.errors`.
"""
