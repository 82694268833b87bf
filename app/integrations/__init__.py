"""Clients of outside services (the BRP Haal Centraal API), beside store and hardware."""
