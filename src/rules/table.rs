//! TOML tables of the embedded defaults files, and a site's table merged
//! over them (shared by `checks.toml` and `scoring.toml`).

use std::sync::OnceLock;

/// The embedded defaults file `text` parsed once into `cell` (the parse
/// error as text: a defaults file is part of the build, its tests parse it).
pub(crate) fn embedded(
    cell: &'static OnceLock<Result<toml::Table, String>>,
    text: &str,
) -> &'static Result<toml::Table, String> {
    cell.get_or_init(|| toml::from_str::<toml::Table>(text).map_err(|e| e.to_string()))
}

/// Merges `over` into `base` key by key (tables recursively, other values replaced).
pub(crate) fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_merge_key_by_key_and_values_are_replaced() {
        let mut base: toml::Table =
            toml::from_str("a = 1\n[t]\nx = 1\ny = [1, 2]\n[t.deep]\nz = 'old'\n").unwrap();
        let over: toml::Table = toml::from_str("[t]\ny = [3]\n[t.deep]\nw = true\n").unwrap();
        merge(&mut base, over);
        let want: toml::Table =
            toml::from_str("a = 1\n[t]\nx = 1\ny = [3]\n[t.deep]\nz = 'old'\nw = true\n").unwrap();
        assert_eq!(base, want);
        static CELL: OnceLock<Result<toml::Table, String>> = OnceLock::new();
        assert!(embedded(&CELL, "not = = toml").is_err());
    }
}
