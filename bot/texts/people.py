"""How people are named when Discord can no longer tell us their name."""

# A booking's other person whose Discord account is gone (Discord says "Deleted User").
UNKNOWN_PERSON = "a former member"
