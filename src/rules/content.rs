//! Content checks settings: `[content]` in a site file.
//! (Filled in by the content work; see issue 5.)

use super::{Ctx, RulesError};
use serde::Deserialize;

/// `[content]` as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ContentSection {}

/// Compiled content settings.
#[derive(Debug, Clone, Default)]
pub struct Content {}

impl Content {
    /// Validates and compiles.
    pub fn compile(_sec: &ContentSection, _ctx: &Ctx) -> Result<Content, RulesError> {
        Ok(Content {})
    }
}
