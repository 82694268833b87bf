"""ID-document chips (ICAO Doc 9303): access control, secure messaging and file reading."""
