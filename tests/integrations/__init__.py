"""Tests of the clients of outside services (BRP) against local stand-ins over real HTTP."""
