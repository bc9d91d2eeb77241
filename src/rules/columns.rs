//! Required columns (栏目): `[portal]` and `[[columns]]` in a site file.
//! (Filled in by the columns work; see issue 4.)

use super::{Ctx, RulesError};
use serde::Deserialize;

/// `[portal]`: the disclosure portal pages whose navigation lists the columns.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PortalSection {
    /// Portal URLs (政府信息公开 / 政务公开 专栏).
    pub urls: Vec<String>,
}

/// One required column as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ColumnRule {
    /// Column name.
    pub name: String,
}

/// Compiled column rules.
#[derive(Debug, Clone, Default)]
pub struct Columns {}

impl Columns {
    /// Validates and compiles.
    pub fn compile(
        _portal: &PortalSection,
        _columns: &[ColumnRule],
        _ctx: &Ctx,
    ) -> Result<Columns, RulesError> {
        Ok(Columns {})
    }
}
