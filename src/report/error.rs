//! Errors of the report stage (history database, reading and writing report
//! files). Each names the file it is about. A finding is never an error.

use std::path::PathBuf;
use thiserror::Error;

/// A report file or the history database could not be read or written.
#[derive(Debug, Error)]
pub enum ReportError {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A CSV report could not be parsed.
    #[error("{path}: bad CSV: {source}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: csv::Error,
    },
    /// summary.json could not be parsed or written.
    #[error("{path}: bad JSON: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: serde_json::Error,
    },
    /// The history database failed.
    #[error("{path}: history database: {source}")]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// The cause.
        source: rusqlite::Error,
    },
    /// The history database was written by a newer zwgk-audit.
    #[error(
        "{path}: history database schema version {found} is newer than this program's ({supported}); use a newer zwgk-audit or another --reports folder"
    )]
    SchemaTooNew {
        /// The database file.
        path: PathBuf,
        /// Version found in the file.
        found: i64,
        /// Newest version this program knows.
        supported: i64,
    },
    /// A run directory is not one (no findings.csv).
    #[error("{path}: not a run directory (no findings.csv)")]
    NotARun {
        /// The folder.
        path: PathBuf,
    },
}

impl ReportError {
    /// An `Io` error for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        ReportError::Io {
            path: path.into(),
            source,
        }
    }
}
