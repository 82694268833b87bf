"""Payments at a PIN terminal: state machine, protocol ids and outcome texts (pure Python)."""
