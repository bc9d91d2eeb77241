//! National inspection numbers: `[scoring]` (defaults from the national pack).
//! (Filled in by the report work; see issue 6.)

use super::{Ctx, RulesError};
use serde::Deserialize;

/// `[scoring]` as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScoringSection {}

impl ScoringSection {
    /// Validates the numbers.
    pub fn validate(&self, _ctx: &Ctx) -> Result<(), RulesError> {
        Ok(())
    }
}
