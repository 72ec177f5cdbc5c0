"""Spec drift as a package: `compare` (changes and verdicts), `report` (renderers), `git`
(specs and locks at a revision), `command` (`falgen diff`)."""
