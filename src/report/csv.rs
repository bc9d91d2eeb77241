//! CSV writing: UTF-8 with BOM (opens correctly in Excel and WPS), RFC 4180
//! quoting by the csv crate, headers in the chosen language.

use super::Lang;
use super::rows::Row;
use std::io::Write;

/// The UTF-8 byte order mark Excel and WPS need to read UTF-8.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A typed CSV writer for one report file.
pub struct CsvWriter<W: Write, R: Row> {
    inner: csv::Writer<W>,
    _row: std::marker::PhantomData<R>,
}

impl<W: Write, R: Row> CsvWriter<W, R> {
    /// Writes the BOM (when `bom`) and the header row.
    pub fn new(mut w: W, lang: Lang, bom: bool) -> std::io::Result<Self> {
        if bom {
            w.write_all(BOM)?;
        }
        let mut inner = csv::WriterBuilder::new().has_headers(false).from_writer(w);
        let headers = match lang {
            Lang::En => R::EN,
            Lang::Zh => R::ZH,
        };
        inner.write_record(headers).map_err(csv_to_io)?;
        Ok(CsvWriter {
            inner,
            _row: std::marker::PhantomData,
        })
    }

    /// Writes one row.
    pub fn write(&mut self, row: &R) -> std::io::Result<()> {
        self.inner.serialize(row).map_err(csv_to_io)
    }

    /// Writes one row of another type with the same columns (a borrowed view of `R`).
    pub fn write_as<T: serde::Serialize>(&mut self, row: &T) -> std::io::Result<()> {
        self.inner.serialize(row).map_err(csv_to_io)
    }

    /// Flushes buffered rows to the underlying writer.
    pub fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }

    /// Flushes and returns the underlying writer.
    pub fn into_inner(self) -> std::io::Result<W> {
        self.inner
            .into_inner()
            .map_err(|e| std::io::Error::other(e.to_string()))
    }
}

fn csv_to_io(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

/// Reads rows of a report written by [`CsvWriter`] (either header language).
pub fn read_rows<R: serde::de::DeserializeOwned + Row>(bytes: &[u8]) -> Result<Vec<R>, csv::Error> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let (mut rdr, en) = reader::<R, _>(bytes)?;
    rdr.records()
        .map(|r| r.and_then(|rec| rec.deserialize(Some(&en))))
        .collect()
}

/// Calls `f` with each row of a report file, one at a time: for files too big
/// to hold (links.csv, pages.csv of a large site). Stops at the first row
/// that does not parse, such as the torn last line of a killed run.
pub fn for_each_row<R, F>(path: &std::path::Path, mut f: F) -> std::io::Result<()>
where
    R: serde::de::DeserializeOwned + Row,
    F: FnMut(R),
{
    use std::io::BufRead;
    let mut file = std::io::BufReader::new(std::fs::File::open(path)?);
    if file.fill_buf()?.starts_with(BOM) {
        file.consume(BOM.len());
    }
    let (rdr, en) = reader::<R, _>(file).map_err(std::io::Error::other)?;
    for rec in rdr.into_records() {
        match rec.and_then(|rec| rec.deserialize(Some(&en))) {
            Ok(row) => f(row),
            Err(_) => break,
        }
    }
    Ok(())
}

/// A CSV reader whose headers are the English names serde expects, whatever
/// the language of the file's header row.
fn reader<R: Row, Rd: std::io::Read>(
    rd: Rd,
) -> Result<(csv::Reader<Rd>, csv::StringRecord), csv::Error> {
    let mut rdr = csv::ReaderBuilder::new().has_headers(true).from_reader(rd);
    let headers = rdr.headers()?.clone();
    let en: csv::StringRecord = headers
        .iter()
        .map(|h| {
            R::ZH
                .iter()
                .position(|z| *z == h)
                .map(|i| R::EN[i])
                .unwrap_or(h)
        })
        .collect();
    rdr.set_headers(en.clone());
    Ok((rdr, en))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::rows::LinkRow;

    fn row() -> LinkRow {
        LinkRow {
            page_url: "http://a/".into(),
            target_url: "http://a/x, \"y\"".into(),
            link_text: "通知公告\n第二行".into(),
            element: "a@href".into(),
            status: "broken".into(),
            http_status: Some(404),
            final_url: String::new(),
            elapsed_ms: None,
        }
    }

    #[test]
    fn bom_quoting_and_round_trip_in_both_languages() {
        for lang in [Lang::Zh, Lang::En] {
            let mut w = CsvWriter::<_, LinkRow>::new(Vec::new(), lang, true).unwrap();
            w.write(&row()).unwrap();
            let bytes = w.into_inner().unwrap();
            assert!(bytes.starts_with(BOM));
            let text = std::str::from_utf8(&bytes[3..]).unwrap();
            assert!(text.contains("\"http://a/x, \"\"y\"\"\""));
            let back: Vec<LinkRow> = read_rows(&bytes).unwrap();
            assert_eq!(back, vec![row()]);
        }
    }

    #[test]
    fn rows_stream_from_a_file_up_to_a_torn_last_line() {
        let dir = tempfile::tempdir().unwrap();
        for lang in [Lang::Zh, Lang::En] {
            let mut w = CsvWriter::<_, LinkRow>::new(Vec::new(), lang, true).unwrap();
            for _ in 0..3 {
                w.write(&row()).unwrap();
            }
            let mut bytes = w.into_inner().unwrap();
            // A killed run: half a fourth row.
            bytes.extend_from_slice(b"http://a/,\"http://a/z");
            let path = dir.path().join("links.csv");
            std::fs::write(&path, &bytes).unwrap();
            let mut back = Vec::new();
            for_each_row(&path, |r: LinkRow| back.push(r)).unwrap();
            assert_eq!(back, vec![row(), row(), row()], "{lang:?}");
        }
    }
}
