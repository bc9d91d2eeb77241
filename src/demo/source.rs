//! Where a fixture site's files come from (the embedded demo site or a folder on
//! disk) and the index of what each virtual host serves.
//!
//! The index is built once when the server starts: every file is listed under
//! its served path (date placeholders in file names expanded), so only indexed
//! files can ever be served. A top-level folder named like a host
//! (`www.demo-ipa.gov.cn/`) makes the site virtual-hosted: the request's `Host`
//! selects the folder.

use super::routes::{Routes, normalize_path};
use super::template::expand_str;
use chrono::NaiveDate;
use rust_embed::RustEmbed;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};

/// The built-in demo bureau site, embedded in the binary (read from disk in debug builds).
#[derive(RustEmbed)]
#[folder = "src/demo/site/"]
struct DemoAssets;

/// The per-site behaviours file.
pub const ROUTES_FILE: &str = "_routes.toml";

/// A site to serve: its files and, for virtual-hosted sites, the host that
/// answers requests for unknown names (such as `127.0.0.1`).
#[derive(Debug, Clone)]
pub struct SiteSource {
    store: Store,
    default_host: Option<String>,
}

#[derive(Debug, Clone)]
enum Store {
    Embedded,
    Dir(PathBuf),
}

impl SiteSource {
    /// A site read from a folder on disk (e.g. `tests/fixtures/site`).
    pub fn dir(path: impl Into<PathBuf>) -> SiteSource {
        SiteSource {
            store: Store::Dir(path.into()),
            default_host: None,
        }
    }

    /// The embedded demo site (see [`crate::demo::demo_site`]).
    pub(crate) fn embedded() -> SiteSource {
        SiteSource {
            store: Store::Embedded,
            default_host: None,
        }
    }

    /// Serves `host`'s folder for requests whose `Host` names no folder.
    pub fn with_default_host(mut self, host: &str) -> SiteSource {
        self.default_host = Some(host.to_ascii_lowercase());
        self
    }

    /// Every file, as a `/`-separated path relative to the site root.
    fn list(&self) -> io::Result<Vec<String>> {
        match &self.store {
            Store::Embedded => Ok(DemoAssets::iter().map(|p| p.into_owned()).collect()),
            Store::Dir(root) => {
                if !root.is_dir() {
                    return Err(io::Error::new(
                        io::ErrorKind::NotFound,
                        format!("{}: not a folder", root.display()),
                    ));
                }
                let mut out = Vec::new();
                walk(root, "", &mut out)?;
                Ok(out)
            }
        }
    }

    /// The bytes of a listed file.
    pub(crate) fn read(&self, rel: &str) -> io::Result<Cow<'static, [u8]>> {
        match &self.store {
            Store::Embedded => DemoAssets::get(rel).map(|f| f.data).ok_or_else(|| {
                io::Error::new(io::ErrorKind::NotFound, format!("{rel}: not embedded"))
            }),
            Store::Dir(root) => Ok(Cow::Owned(std::fs::read(root.join(rel))?)),
        }
    }

    /// Builds the index of served paths and routes as of `today`.
    pub(crate) fn index(&self, today: NaiveDate) -> io::Result<SiteIndex> {
        let files = self.list()?;
        let hosts: Vec<String> = {
            let mut h: Vec<String> = files
                .iter()
                .filter_map(|f| f.split_once('/').map(|(top, _)| top))
                .filter(|top| looks_like_host(top))
                .map(str::to_ascii_lowercase)
                .collect();
            h.sort();
            h.dedup();
            h
        };
        let mut index = SiteIndex {
            sites: HashMap::new(),
            root: None,
            default_host: self.default_host.clone(),
            hosts: hosts.clone(),
        };
        if hosts.is_empty() {
            index.root = Some(self.host_site("", &files, today)?);
        } else {
            for f in &files {
                let Some((top, _)) = f.split_once('/') else {
                    continue;
                };
                let host = top.to_ascii_lowercase();
                if looks_like_host(top) && !index.sites.contains_key(&host) {
                    let site = self.host_site(&format!("{top}/"), &files, today)?;
                    index.sites.insert(host, site);
                }
            }
        }
        Ok(index)
    }

    fn host_site(&self, prefix: &str, files: &[String], today: NaiveDate) -> io::Result<HostSite> {
        let mut site = HostSite::default();
        site.dirs.insert("/".to_string());
        for f in files {
            let Some(rel) = f.strip_prefix(prefix) else {
                continue;
            };
            if rel == ROUTES_FILE {
                let bytes = self.read(f)?;
                let text = String::from_utf8_lossy(&bytes);
                site.routes = Routes::parse(&text, f, today)?;
                continue;
            }
            if rel.split('/').any(|seg| seg.starts_with('.')) {
                continue;
            }
            let served = normalize_path(&format!("/{}", expand_str(rel, today)));
            let mut dir = served.as_str();
            while let Some(i) = dir.rfind('/') {
                dir = &dir[..i];
                site.dirs.insert(format!("{dir}/"));
            }
            site.files.insert(served, f.clone());
        }
        Ok(site)
    }
}

fn walk(root: &Path, rel: &str, out: &mut Vec<String>) -> io::Result<()> {
    let dir = if rel.is_empty() {
        root.to_path_buf()
    } else {
        root.join(rel)
    };
    for entry in std::fs::read_dir(&dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        if entry.file_type()?.is_dir() {
            walk(root, &path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// Whether a top-level folder name is a host name (`www.example.gov.cn`).
fn looks_like_host(name: &str) -> bool {
    let Some((_, tld)) = name.rsplit_once('.') else {
        return false;
    };
    !name.starts_with(['.', '-', '_'])
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        && tld.len() >= 2
        && tld.bytes().all(|b| b.is_ascii_alphabetic())
}

/// What one host (or the whole site) serves.
#[derive(Debug, Default)]
pub(crate) struct HostSite {
    /// Decoded served path (`/a/b.html`) → stored path relative to the site root.
    pub files: HashMap<String, String>,
    /// Served folder paths, each ending in `/` (`/`, `/a/`).
    pub dirs: HashSet<String>,
    /// The `_routes.toml` behaviours.
    pub routes: Routes,
}

/// Every host's files and routes.
#[derive(Debug, Default)]
pub(crate) struct SiteIndex {
    sites: HashMap<String, HostSite>,
    root: Option<HostSite>,
    default_host: Option<String>,
    /// Virtual host folder names, sorted, lower-case.
    pub hosts: Vec<String>,
}

impl SiteIndex {
    /// The site answering for a `Host` name (lower-case, no port).
    pub fn select(&self, host: &str) -> Option<&HostSite> {
        if let Some(root) = &self.root {
            return Some(root);
        }
        self.sites
            .get(host)
            .or_else(|| self.default_host.as_ref().and_then(|d| self.sites.get(d)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names() {
        for h in [
            "www.demo-ipa.gov.cn",
            "friend.example.org",
            "www.other-host.test",
        ] {
            assert!(looks_like_host(h), "{h}");
        }
        for n in [
            "files",
            "v1.2",
            "css",
            ".git",
            "_private.x",
            "a.b1",
            "index.html5",
        ] {
            assert!(!looks_like_host(n), "{n}");
        }
    }
}
