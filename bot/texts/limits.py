"""Words for text that had to be shortened or spread out to fit Discord, and empty pickers."""

AND_MORE = "…and {count} more"
AVAILABILITY_LIST_CONTINUED = "Your availability (continued)"
NO_SUBJECTS_YET = (
    "No subjects are set up here yet, so there's nothing to pick. "
    "Ask an admin to add some with `/admin subjects add`."
)
