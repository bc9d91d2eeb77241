//! Page-check settings of the inspection: `[pubdate]` (发布日期异常), `[hidden]`
//! (暗链), `[guide]` (办事指南要素) and `[interaction]` (互动回应差).
//!
//! Every number and word list lives in `rules/defaults/checks.toml`, embedded
//! in the binary, each table with the rule it comes from. A site file's table
//! is merged key by key over those defaults (arrays are replaced whole), so a
//! site overrides one value and keeps the rest; unknown keys are errors. The
//! regexes are compiled once into [`Checks`].

use super::table::merge;
use super::{Ctx, RulesError};
use aho_corasick::{AhoCorasick, MatchKind};
use regex::Regex;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use std::sync::OnceLock;

/// The embedded defaults.
pub const DEFAULTS_TOML: &str = include_str!("../../rules/defaults/checks.toml");

/// `[pubdate]`: which publication dates are compared, and how far apart they may be.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PubdateSection {
    /// Run the check.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// The rule behind the check.
    pub rule: String,
    /// (a) PubDate meta and the labelled date differ by more than this many days.
    pub disagree_days: u32,
    /// (b) A labelled or list date newer than the page's CMS date by more than this.
    pub newer_days: u32,
    /// (c) A labelled date older than the URL's date by more than this.
    pub older_than_url_days: u32,
    /// (d) A date after the audit date by more than this.
    pub future_days: u32,
    /// Labels of the shown publication date.
    pub labels: Vec<String>,
    /// Short labels read only on an article info line.
    pub line_labels: Vec<String>,
    /// Words that mark an article info line.
    pub line_words: Vec<String>,
}

/// `[hidden]`: what hides a link, and which hidden links are quiet.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HiddenSection {
    /// Run the check.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// The rule behind the check.
    pub rule: String,
    /// Offsets at or beyond minus this many pixels are off-screen.
    pub offscreen_px: u32,
    /// Sizes at or below this many pixels (with overflow hidden) are zero size.
    pub tiny_px: u32,
    /// A `<marquee>` whose `scrollamount` is at or above this scrolls too fast to read.
    pub marquee_fast: u32,
    /// Hosts (and subdomains) whose hidden links are not reported as hidden.
    pub quiet_hosts: Vec<String>,
    /// Class / id fragments of menus and tab panels.
    pub menu_tokens: Vec<String>,
    /// Classes scripts add and remove to show or hide an element.
    pub toggle_classes: Vec<String>,
}

/// One required element of a service guide.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuideElement {
    /// The element's name in findings (事项名称 …).
    pub name: String,
    /// Labels that show it (the name itself should be one of them).
    pub synonyms: Vec<String>,
}

/// `[guide]`: which pages are service guides and what they must hold.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuideSection {
    /// Run the check.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// The rule behind the check.
    pub rule: String,
    /// Regexes on the URLs of guide pages.
    pub url_pattern: Vec<String>,
    /// A `[[columns]]` name whose listed articles are guides (empty: none).
    pub column: String,
    /// Missing elements that make a guide count toward the veto (and its finding an error).
    pub min_missing: usize,
    /// The required elements.
    pub elements: Vec<GuideElement>,
}

/// `[interaction]`: the message channels and the delays of the 互动回应差 veto.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InteractionSection {
    /// Run the check.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// The rule behind the check.
    pub rule: String,
    /// Messages asked within this many months before the audit date are read.
    pub window_months: u32,
    /// A message unanswered (or answered) after more than this many months is overdue.
    pub overdue_months: u32,
    /// Texts of the links that lead to a channel.
    pub link_text: Vec<String>,
    /// Regexes on channel list or detail page URLs.
    pub url_pattern: Vec<String>,
    /// Words that mark a consultation channel, when the site names none.
    pub channel_words: Vec<String>,
    /// Words of a channel entry's link text, when the site names none.
    pub entry_words: Vec<String>,
    /// Longest link text (characters, whitespace removed) read for `entry_words`.
    pub entry_max_chars: usize,
    /// Regexes on a channel entry's link target, when the site names none.
    pub entry_url_pattern: Vec<String>,
    /// Regexes on the path of an own script the homepage loads that may
    /// write its navigation (`/js/nav.js`, `head.js`): with one, a run that
    /// finds no channel does not veto (the entry may be in the script's markup).
    pub nav_script_pattern: Vec<String>,
    /// Words that mark a channel the rule excludes (在线访谈, 调查征集, 举报投诉 …).
    pub exclude: Vec<String>,
    /// Header cells / labels of the question date.
    pub asked_labels: Vec<String>,
    /// Header cells / labels of the reply date.
    pub reply_labels: Vec<String>,
    /// Header cells / labels of the status.
    pub status_labels: Vec<String>,
    /// Labels whose value is the reply text.
    pub reply_text_labels: Vec<String>,
    /// Header cells of the message title.
    pub title_labels: Vec<String>,
    /// Status words of an answered message.
    pub answered: Vec<String>,
    /// Status words of an unanswered message.
    pub pending: Vec<String>,
}

fn yes() -> bool {
    true
}

fn defaults_table() -> &'static Result<toml::Table, String> {
    static TABLE: OnceLock<Result<toml::Table, String>> = OnceLock::new();
    super::table::embedded(&TABLE, DEFAULTS_TOML)
}

/// A table of `checks.toml`, merged with a site's table of the same name.
pub trait Section: DeserializeOwned {
    /// The table's name in both files.
    const NAME: &'static str;

    /// The defaults merged with `over`.
    fn from_table(over: toml::Table) -> Result<Self, String> {
        let mut base = match defaults_table() {
            Ok(t) => match t.get(Self::NAME) {
                Some(toml::Value::Table(t)) => t.clone(),
                _ => return Err(format!("no [{}] in the embedded defaults", Self::NAME)),
            },
            Err(e) => return Err(e.clone()),
        };
        merge(&mut base, over);
        toml::Value::Table(base)
            .try_into::<Self>()
            .map_err(|e| e.message().trim().to_string())
    }

    /// The embedded defaults alone.
    fn defaults() -> Self {
        // The embedded file is part of the binary, not user input; a test loads it.
        match Self::from_table(toml::Table::new()) {
            Ok(s) => s,
            Err(e) => panic!("embedded rules/defaults/checks.toml [{}]: {e}", Self::NAME),
        }
    }
}

impl Section for PubdateSection {
    const NAME: &'static str = "pubdate";
}
impl Section for HiddenSection {
    const NAME: &'static str = "hidden";
}
impl Section for GuideSection {
    const NAME: &'static str = "guide";
}
impl Section for InteractionSection {
    const NAME: &'static str = "interaction";
}

/// A site table merged over the defaults (`deserialize_with` of [`super::RulesFile`]).
pub fn merged<'de, D: Deserializer<'de>, T: Section>(d: D) -> Result<T, D::Error> {
    let table = toml::Table::deserialize(d)?;
    T::from_table(table).map_err(serde::de::Error::custom)
}

macro_rules! defaults_impl {
    ($($t:ty),*) => {$(
        impl Default for $t {
            fn default() -> Self {
                <$t as Section>::defaults()
            }
        }
    )*};
}
defaults_impl!(
    PubdateSection,
    HiddenSection,
    GuideSection,
    InteractionSection
);

/// `[guide]`, compiled.
#[derive(Debug, Clone)]
pub struct GuideRules {
    /// As written (merged over the defaults).
    pub section: GuideSection,
    /// `url_pattern`, compiled.
    pub url_patterns: Vec<Regex>,
}

impl GuideRules {
    /// Whether the check runs and has a way to find guide pages.
    pub fn active(&self) -> bool {
        self.section.enabled
            && (!self.url_patterns.is_empty() || !self.section.column.trim().is_empty())
    }
}

/// `[interaction]`, compiled.
#[derive(Debug, Clone)]
pub struct InteractionRules {
    /// As written (merged over the defaults).
    pub section: InteractionSection,
    /// `url_pattern`, compiled.
    pub url_patterns: Vec<Regex>,
    /// `link_text`, whitespace removed.
    pub link_texts: Vec<String>,
    /// `asked_labels` in one automaton: a page without one holds no message.
    pub asked: AhoCorasick,
    /// `entry_url_pattern`, compiled.
    pub entry_url_patterns: Vec<Regex>,
    /// `nav_script_pattern`, compiled.
    pub nav_script_patterns: Vec<Regex>,
}

impl InteractionRules {
    /// Whether the site names its channels (else every message board is read).
    pub fn configured(&self) -> bool {
        !self.url_patterns.is_empty() || !self.link_texts.is_empty()
    }

    /// Whether a link (its target and text) is an entry of a consultation
    /// channel: a text or URL the site names, else (when it names none) a
    /// short text holding an entry word or a URL of `entry_url_pattern`;
    /// never a text holding an `exclude` word (在线访谈, 举报投诉 …).
    pub fn is_entry(&self, target: &str, text: &str) -> bool {
        let s = &self.section;
        let t: String = text.split_whitespace().collect();
        if s.exclude.iter().any(|w| t.contains(w.as_str())) {
            return false;
        }
        if self.configured() {
            self.link_texts.contains(&t) || self.url_patterns.iter().any(|re| re.is_match(target))
        } else {
            (t.chars().count() <= s.entry_max_chars
                && s.entry_words.iter().any(|w| t.contains(w.as_str())))
                || self.entry_url_patterns.iter().any(|re| re.is_match(target))
        }
    }

    /// What [`is_entry`](Self::is_entry) looks for: (link texts or words,
    /// URL patterns).
    pub fn looked_for(&self) -> (Vec<String>, Vec<String>) {
        let s = &self.section;
        if self.configured() {
            (s.link_text.clone(), s.url_pattern.clone())
        } else {
            (s.entry_words.clone(), s.entry_url_pattern.clone())
        }
    }
}

/// The compiled page-check settings.
#[derive(Debug, Clone)]
pub struct Checks {
    /// 发布日期异常.
    pub pubdate: PubdateSection,
    /// `pubdate.labels` and `pubdate.line_labels` in one automaton (leftmost longest).
    pub pubdate_labels: AhoCorasick,
    /// 暗链.
    pub hidden: HiddenSection,
    /// 办事指南要素.
    pub guide: GuideRules,
    /// 互动回应差.
    pub interaction: InteractionRules,
}

/// An automaton over `labels` (leftmost longest: 发布时间, not its 时间).
fn automaton<'a>(labels: impl IntoIterator<Item = &'a String>) -> Result<AhoCorasick, String> {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(labels)
        .map_err(|e| e.to_string())
}

impl Default for Checks {
    fn default() -> Self {
        let pubdate = PubdateSection::default();
        let interaction = InteractionSection::default();
        // The embedded lists are short constants; a test builds them.
        let (Ok(pubdate_labels), Ok(asked)) = (
            automaton(pubdate.labels.iter().chain(&pubdate.line_labels)),
            automaton(&interaction.asked_labels),
        ) else {
            panic!("embedded rules/defaults/checks.toml: label automata");
        };
        let compile = |list: &[String]| {
            list.iter()
                .map(|p| Regex::new(p))
                .collect::<Result<Vec<_>, _>>()
        };
        let (Ok(entry_url_patterns), Ok(nav_script_patterns)) = (
            compile(&interaction.entry_url_pattern),
            compile(&interaction.nav_script_pattern),
        ) else {
            panic!("embedded rules/defaults/checks.toml: interaction URL patterns");
        };
        Checks {
            pubdate,
            pubdate_labels,
            hidden: HiddenSection::default(),
            guide: GuideRules {
                section: GuideSection::default(),
                url_patterns: Vec::new(),
            },
            interaction: InteractionRules {
                section: interaction,
                url_patterns: Vec::new(),
                link_texts: Vec::new(),
                asked,
                entry_url_patterns,
                nav_script_patterns,
            },
        }
    }
}

fn no_blank(ctx: &Ctx, key: &str, list: &[String]) -> Result<(), RulesError> {
    if list.iter().any(|s| s.trim().is_empty()) {
        return Err(ctx.invalid(key, "entries must not be empty"));
    }
    Ok(())
}

impl Checks {
    /// Validates and compiles the four tables; `columns` are the site's
    /// `[[columns]]` names (`guide.column` must be one of them).
    pub fn compile(
        pubdate: PubdateSection,
        hidden: HiddenSection,
        guide: GuideSection,
        interaction: InteractionSection,
        columns: &[String],
        ctx: &Ctx,
    ) -> Result<Checks, RulesError> {
        no_blank(ctx, "pubdate.labels", &pubdate.labels)?;
        no_blank(ctx, "pubdate.line_labels", &pubdate.line_labels)?;
        no_blank(ctx, "pubdate.line_words", &pubdate.line_words)?;
        no_blank(ctx, "hidden.quiet_hosts", &hidden.quiet_hosts)?;
        no_blank(ctx, "hidden.menu_tokens", &hidden.menu_tokens)?;
        if hidden.offscreen_px == 0 {
            return Err(ctx.invalid("hidden.offscreen_px", "must be at least 1"));
        }
        if guide.elements.is_empty() {
            return Err(ctx.invalid("guide.elements", "at least one element is required"));
        }
        for (i, e) in guide.elements.iter().enumerate() {
            if e.name.trim().is_empty() || e.synonyms.is_empty() {
                return Err(ctx.invalid(
                    &format!("guide.elements[{i}].synonyms"),
                    "each element needs a name and at least one synonym",
                ));
            }
            no_blank(ctx, "guide.elements.synonyms", &e.synonyms)?;
        }
        let column = guide.column.trim();
        if !column.is_empty() && !columns.iter().any(|c| c == column) {
            return Err(ctx.invalid(
                "guide.column",
                &format!("`{column}` is not the name of one of the [[columns]]"),
            ));
        }
        let i = &interaction;
        if i.window_months == 0 || i.overdue_months == 0 {
            return Err(ctx.invalid(
                if i.window_months == 0 {
                    "interaction.window_months"
                } else {
                    "interaction.overdue_months"
                },
                "must be at least 1",
            ));
        }
        for (key, list) in [
            ("interaction.link_text", &i.link_text),
            ("interaction.exclude", &i.exclude),
            ("interaction.channel_words", &i.channel_words),
            ("interaction.entry_words", &i.entry_words),
            ("interaction.asked_labels", &i.asked_labels),
            ("interaction.reply_labels", &i.reply_labels),
            ("interaction.status_labels", &i.status_labels),
            ("interaction.title_labels", &i.title_labels),
            ("interaction.reply_text_labels", &i.reply_text_labels),
            ("interaction.answered", &i.answered),
            ("interaction.pending", &i.pending),
        ] {
            no_blank(ctx, key, list)?;
        }
        let guide_patterns = ctx.regexes("guide.url_pattern", &guide.url_pattern)?;
        let interaction_patterns = ctx.regexes("interaction.url_pattern", &i.url_pattern)?;
        let entry_url_patterns =
            ctx.regexes("interaction.entry_url_pattern", &i.entry_url_pattern)?;
        let nav_script_patterns =
            ctx.regexes("interaction.nav_script_pattern", &i.nav_script_pattern)?;
        if i.entry_max_chars == 0 {
            return Err(ctx.invalid("interaction.entry_max_chars", "must be at least 1"));
        }
        let link_texts = i
            .link_text
            .iter()
            .map(|t| t.split_whitespace().collect())
            .collect();
        let pubdate_labels = automaton(pubdate.labels.iter().chain(&pubdate.line_labels))
            .map_err(|e| ctx.invalid("pubdate.labels", &e))?;
        let asked =
            automaton(&i.asked_labels).map_err(|e| ctx.invalid("interaction.asked_labels", &e))?;
        Ok(Checks {
            pubdate,
            pubdate_labels,
            hidden,
            guide: GuideRules {
                section: guide,
                url_patterns: guide_patterns,
            },
            interaction: InteractionRules {
                section: interaction,
                url_patterns: interaction_patterns,
                link_texts,
                asked,
                entry_url_patterns,
                nav_script_patterns,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Rules;
    use std::path::Path;

    fn rules(extra: &str) -> Result<Rules, RulesError> {
        let text = format!("[site]\nstart_urls = [\"https://www.a.gov.cn/\"]\n{extra}");
        Rules::from_toml(&text, Path::new("site.toml"))
    }

    #[test]
    fn embedded_defaults_carry_the_national_numbers_and_their_rules() {
        let r = rules("").unwrap();
        let c = &r.checks;
        assert_eq!(c.interaction.section.window_months, 12);
        assert_eq!(c.interaction.section.overdue_months, 3);
        assert!(c.interaction.section.rule.contains("超过3个月未回应"));
        assert!(
            c.interaction
                .section
                .exclude
                .contains(&"在线访谈".to_string())
        );
        assert_eq!(c.pubdate.older_than_url_days, 30);
        assert_eq!(c.pubdate.newer_days, 1);
        assert!(c.pubdate.rule.contains("伪造发稿日期"));
        let names: Vec<&str> = c
            .guide
            .section
            .elements
            .iter()
            .map(|e| e.name.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "事项名称",
                "设定依据",
                "申请条件",
                "办理材料",
                "办理地点",
                "办理时间",
                "联系电话",
                "办理流程"
            ]
        );
        assert!(!c.guide.active(), "no guide pages named");
        assert!(!c.interaction.configured());
        assert!(c.hidden.enabled && c.hidden.rule.contains("暗链"));
        let d = Checks::default();
        assert!(d.pubdate_labels.is_match("时间：") && d.interaction.asked.is_match("来信时间"));
    }

    #[test]
    fn a_site_overrides_one_key_and_keeps_the_rest() {
        let r = rules(
            "[interaction]\noverdue_months = 2\nlink_text = [\"我要 咨询\"]\n\
             [guide]\nurl_pattern = ['/bszn/.*\\.html$']\n",
        )
        .unwrap();
        let i = &r.checks.interaction;
        assert_eq!(i.section.overdue_months, 2);
        assert_eq!(i.section.window_months, 12);
        assert_eq!(i.link_texts, ["我要咨询"]);
        assert!(i.configured());
        assert!(r.checks.guide.active());
        assert_eq!(r.checks.guide.section.elements.len(), 8);
    }

    #[test]
    fn mistakes_are_named() {
        let e = rules("[interaction]\noverdue = 3\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("overdue"), "{e}");
        let e = rules("[guide]\nurl_pattern = ['(']\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("guide.url_pattern") && e.contains("site.toml:4"),
            "{e}"
        );
        let e = rules("[guide]\ncolumn = \"办事指南\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("guide.column") && e.contains("办事指南"), "{e}");
        let e = rules("[interaction]\nwindow_months = 0\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("interaction.window_months"), "{e}");
        let e = rules("[hidden]\nquiet_hosts = [\" \"]\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("hidden.quiet_hosts"), "{e}");
    }
}
