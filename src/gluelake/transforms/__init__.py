"""Pure ``DataFrame -> DataFrame`` transforms (and ``Column -> Column`` helpers), configured
from the dataset contract. None of them reads or writes a path or runs a Spark action."""

# Columns the raw reader provides and the transforms carry until the zone's columns
# are selected: the record's original text, its fields by name, and where it came from.
RAW_TEXT = "_raw"
RAW_FIELDS = "_fields"
SOURCE_FILE = "_source_file"
REASONS = "_reasons"
MESSAGES = "_messages"
RESCUED = "_rescued_data"
# Hash of the unmasked record text: only orders records whose masked text is identical.
RECORD_ORDER = "_record_order"
