"""KCC desk core: service-norm deadlines, BSN check and the BRP person model (no I/O, no Qt)."""
