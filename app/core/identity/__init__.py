"""Identity documents (ICAO Doc 9303): MRZ, chip data groups, and the ports to a card reader."""
