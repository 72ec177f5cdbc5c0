"""Corpus-wide recovery: turn pages as stated into complete endpoints.

A scrape loses things (see DESIGN.md). Each rule recovers one kind of loss from the evidence
that is left (code samples, examples, the same field on other pages) and records a diagnostic
naming what was recovered and from where. Rules are general: no rule names a page, an endpoint
or a field. Pass 1 (`names.recover_names`): the id and lost field names; pass 2
(`endpoint.build_endpoint`): the endpoint; `duplicates.merge_duplicates` merges copies.
"""
