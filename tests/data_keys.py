"""The data keys every test database is opened with (sealed columns need a keyring)."""

from marketplace.storage.sealing import DataKeys

TEST_DATA_KEYS = DataKeys((b"ZdgnvnbMJepxPK5j-j8GeQLdGykITuQQnz88IfBNGWc=",))
