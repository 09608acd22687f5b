"""Type stubs for the Rust extension ``octonaut._octonaut``."""

__version__: str

# --- Buffer (issue 2) ---

# --- framing: Lines, LengthPrefixed (issue 3) ---

# --- http (issue 3) ---
