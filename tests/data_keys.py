"""The data keys every test database is opened with (sealed columns need a keyring)."""

from marketplace.storage.sealing import DataKeys

TEST_DATA_KEYS_TEXT = "ZdgnvnbMJepxPK5j-j8GeQLdGykITuQQnz88IfBNGWc="  # as TUTORBOT_DATA_KEYS
TEST_DATA_KEYS = DataKeys.parse(TEST_DATA_KEYS_TEXT)
