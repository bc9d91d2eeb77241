//! Word lists for link checks: soft-404 phrases and risky-content words.
//!
//! Defaults ship in `rules/defaults/*.txt` (embedded in the binary, one entry a
//! line, `#` comments); a site file may add entries or more files.

use super::{Ctx, RulesError};
use serde::Deserialize;

const SOFT404: &str = include_str!("../../rules/defaults/soft404.txt");
const GAMBLING: &str = include_str!("../../rules/defaults/gambling.txt");
const ADULT: &str = include_str!("../../rules/defaults/adult.txt");

/// `[words]` in a site file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WordsSection {
    /// Extra phrases that mark a 200 page as an error page.
    pub soft404: Vec<String>,
    /// Extra gambling words (risky external content).
    pub gambling: Vec<String>,
    /// Extra adult-content words.
    pub adult: Vec<String>,
    /// Extra word-list files (relative to the rules file), each `kind:path`
    /// with kind `soft404`, `gambling` or `adult`.
    pub files: Vec<String>,
    /// Replace the built-in lists instead of adding to them.
    pub replace_defaults: bool,
}

/// Compiled word lists.
#[derive(Debug, Clone, Default)]
pub struct Words {
    /// Phrases that mark an error page.
    pub soft404: Vec<String>,
    /// Gambling words.
    pub gambling: Vec<String>,
    /// Adult words.
    pub adult: Vec<String>,
}

/// Parses a word list: one entry a line, blank lines and `#` comments skipped.
pub fn parse_list(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

impl Words {
    /// Builds the lists from the defaults and the site's section.
    pub fn compile(sec: &WordsSection, ctx: &Ctx) -> Result<Words, RulesError> {
        let mut w = if sec.replace_defaults {
            Words::default()
        } else {
            Words::defaults()
        };
        w.soft404.extend(sec.soft404.iter().cloned());
        w.gambling.extend(sec.gambling.iter().cloned());
        w.adult.extend(sec.adult.iter().cloned());
        for f in &sec.files {
            let (kind, path) = f.split_once(':').ok_or_else(|| {
                ctx.invalid("words.files", &format!("`{f}`: write it as kind:path"))
            })?;
            let full = ctx.relative(path);
            let text = std::fs::read_to_string(&full).map_err(|e| {
                ctx.invalid(
                    "words.files",
                    &format!("cannot read {}: {e}", full.display()),
                )
            })?;
            let list = parse_list(&text);
            match kind {
                "soft404" => w.soft404.extend(list),
                "gambling" => w.gambling.extend(list),
                "adult" => w.adult.extend(list),
                other => {
                    return Err(ctx.invalid(
                        "words.files",
                        &format!("unknown list kind `{other}` (soft404, gambling, adult)"),
                    ));
                }
            }
        }
        for (key, list) in [
            ("words.soft404", &w.soft404),
            ("words.gambling", &w.gambling),
            ("words.adult", &w.adult),
        ] {
            if list.iter().any(|s| s.trim().is_empty()) {
                return Err(ctx.invalid(key, "entries must not be empty"));
            }
        }
        Ok(w)
    }

    /// The built-in lists.
    pub fn defaults() -> Words {
        Words {
            soft404: parse_list(SOFT404),
            gambling: parse_list(GAMBLING),
            adult: parse_list(ADULT),
        }
    }
}
