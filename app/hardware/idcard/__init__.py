"""ID-document chips (ICAO Doc 9303) behind the core's `CardTransport` port.

- `apdu`, `files`: short APDUs; SELECT and chunked READ BINARY (B1 past offset 32767).
- `bac`, `pace`, `ec`, `crypto`: access control with the MRZ key (BAC; PACE ECDH generic mapping
  on brainpoolP256r1 with AES).
- `secure_messaging`: 3DES and AES secure messaging, and `SecureChannel`, a protected transport.
- `reader`: `open_document` picks PACE or BAC and returns a reader for DG1 and other files.
- `fake`, `fake_chip`: in-process transports for tests.
- `passive_auth`: passive authentication (EF.SOD signature, data group hashes, chain to a CSCA),
  with `cms_signature`, `explicit_ec` and `trust_store` (a folder of CSCA certificates and master
  lists); `specimen_pki`: a TEST ONLY issuer (CSCA, document signer, EF.SOD) for tests and the demo.
- `face_decode`: the face image (DG2, parsed in the core) decoded with Pillow, in memory only;
  `specimen_card`: the demo's TEST ONLY specimen ID card (DG1, DG2, EF.SOD) in an in-process chip.

Not here yet: a PC/SC transport (pyscard), chip/active
authentication, and BAP for the driving licence.
"""
