"""Payment terminals: nexo Sale-to-POI (Adyen Terminal API, local) message protection."""
