//! mixed_content (in progress)
