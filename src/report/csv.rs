//! CSV writing: UTF-8 with BOM (opens correctly in Excel and WPS), RFC 4180
//! quoting by the csv crate, headers in the chosen language, and cells that
//! are safe to open in a spreadsheet.
//!
//! Formula safety (OWASP "CSV injection"): a text cell that starts with `=`,
//! `+`, `-`, `@`, a tab or a carriage return (after any run of `'`) is
//! written with one more `'` in front, so Excel and WPS show it as text and
//! run nothing. Every text cell is treated so (link texts, titles, URLs and
//! details all come from a site or from the rules); number cells (status,
//! bytes, days …) are written as numbers, never prefixed. Reading a report
//! back ([`read_rows`], [`for_each_row`]) removes exactly the `'` that was
//! added, so `diff`, `report` and history keys see the original text; a text
//! that itself starts with `'` round-trips too.

use super::Lang;
use super::rows::Row;
use serde::ser::{self, Impossible, Serialize};
use std::borrow::Cow;
use std::io::Write;

/// Whether a spreadsheet would read a cell starting with this as a formula.
fn is_formula_start(s: &str) -> bool {
    matches!(
        s.trim_start_matches('\'').as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
}

/// A text cell as written: one `'` added in front of a formula-like text
/// (also after `'`s of its own, so that reading it back is exact).
pub fn neutralize(s: &str) -> Cow<'_, str> {
    if is_formula_start(s) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// A text cell as read back: the `'` that [`neutralize`] added removed.
pub fn restore(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if is_formula_start(rest) => rest,
        _ => s,
    }
}

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
        inner.write_record(R::headers(lang)).map_err(csv_to_io)?;
        Ok(CsvWriter {
            inner,
            _row: std::marker::PhantomData,
        })
    }

    /// Writes one row.
    pub fn write(&mut self, row: &R) -> std::io::Result<()> {
        self.write_as(row)
    }

    /// Writes one row of another type with the same columns (a borrowed view
    /// of `R`). Text cells are made formula-safe (see the module doc).
    pub fn write_as<T: Serialize>(&mut self, row: &T) -> std::io::Result<()> {
        let fields = row.serialize(RowSer {
            out: &mut self.inner,
        });
        // Ends the record whatever happened, so the next row starts a line of its own.
        let end = self.inner.write_record(None::<&[u8]>);
        match fields {
            Err(RowError::Csv(e)) => Err(csv_to_io(e)),
            Err(RowError::Shape(e)) => {
                Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
            }
            Ok(()) => end.map_err(csv_to_io),
        }
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

/// The fields of a record as written, with the `'` of formula-safe cells
/// removed (unchanged when there is none).
fn restored(rec: csv::StringRecord) -> csv::StringRecord {
    if rec.iter().any(|f| f.starts_with('\'')) {
        rec.iter().map(restore).collect()
    } else {
        rec
    }
}

/// Reads rows of a report written by [`CsvWriter`] (either header language),
/// cells as they were before [`neutralize`].
pub fn read_rows<R: serde::de::DeserializeOwned + Row>(bytes: &[u8]) -> Result<Vec<R>, csv::Error> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let (mut rdr, en) = reader::<R, _>(bytes)?;
    rdr.records()
        .map(|r| r.and_then(|rec| restored(rec).deserialize(Some(&en))))
        .collect()
}

/// Calls `f` with each row of a report file, one at a time: for files too big
/// to hold (links.csv, pages.csv of a large site). Stops at the first row
/// that does not parse, such as the torn last line of a killed run.
pub fn for_each_row<R, F>(path: &std::path::Path, f: F) -> std::io::Result<()>
where
    R: serde::de::DeserializeOwned + Row,
    F: FnMut(R),
{
    rows(path)?.for_each(f);
    Ok(())
}

/// The rows of a report file, read one at a time (see [`for_each_row`]).
pub fn rows<R>(path: &std::path::Path) -> std::io::Result<Rows<R>>
where
    R: serde::de::DeserializeOwned + Row,
{
    use std::io::BufRead;
    let mut file = std::io::BufReader::new(std::fs::File::open(path)?);
    if file.fill_buf()?.starts_with(BOM) {
        file.consume(BOM.len());
    }
    let (rdr, en) = reader::<R, _>(file).map_err(std::io::Error::other)?;
    Ok(Rows {
        records: Some(rdr.into_records()),
        en,
        path: path.to_path_buf(),
        broken: None,
        last: None,
        _row: std::marker::PhantomData,
    })
}

/// An iterator over the rows of a report file (see [`rows`]). It stops at
/// the first row that does not parse: the torn last line of a killed run
/// (not an error), or a broken file ([`Rows::broken`]).
pub struct Rows<R> {
    records: Option<csv::StringRecordsIntoIter<std::io::BufReader<std::fs::File>>>,
    en: csv::StringRecord,
    path: std::path::PathBuf,
    broken: Option<csv::Error>,
    /// Where the last row returned starts (for [`RowsAt::get`]).
    last: Option<csv::Position>,
    _row: std::marker::PhantomData<R>,
}

impl<R> Rows<R> {
    /// Where the row last returned starts in the file, to read it again
    /// with [`RowsAt::get`].
    pub fn position(&self) -> Option<&csv::Position> {
        self.last.as_ref()
    }

    /// Why the file is broken, when a row that does not parse was not a torn
    /// last line (more rows follow, or the file ends with a whole line).
    pub fn broken(&mut self) -> Option<csv::Error> {
        self.broken.take()
    }
}

impl<R: serde::de::DeserializeOwned + Row> Iterator for Rows<R> {
    type Item = R;

    fn next(&mut self) -> Option<R> {
        let records = self.records.as_mut()?;
        let rec = records.next();
        self.last = match &rec {
            Some(Ok(r)) => r.position().cloned(),
            _ => None,
        };
        match rec.map(|r| r.and_then(|rec| restored(rec).deserialize(Some(&self.en)))) {
            Some(Ok(row)) => Some(row),
            Some(Err(e)) => {
                let more = records.next().is_some();
                if more || ends_with_newline(&self.path) {
                    self.broken = Some(e);
                }
                self.records = None;
                None
            }
            None => {
                self.records = None;
                None
            }
        }
    }
}

/// Rows of a report file read again by their position ([`Rows::position`]),
/// in any order: to write a file's rows sorted without holding them.
pub struct RowsAt<R> {
    rdr: csv::Reader<std::io::BufReader<std::fs::File>>,
    en: csv::StringRecord,
    /// Bytes before the header (a BOM): positions count from after them.
    skip: u64,
    rec: csv::StringRecord,
    _row: std::marker::PhantomData<R>,
}

impl<R: serde::de::DeserializeOwned + Row> RowsAt<R> {
    /// The rows of `path`.
    pub fn open(path: &std::path::Path) -> std::io::Result<RowsAt<R>> {
        use std::io::BufRead;
        // Rows are read one at a time from anywhere: a small buffer.
        let mut file = std::io::BufReader::with_capacity(4096, std::fs::File::open(path)?);
        let skip = if file.fill_buf()?.starts_with(BOM) {
            file.consume(BOM.len());
            BOM.len() as u64
        } else {
            0
        };
        let (rdr, en) = reader::<R, _>(file).map_err(std::io::Error::other)?;
        Ok(RowsAt {
            rdr,
            en,
            skip,
            rec: csv::StringRecord::new(),
            _row: std::marker::PhantomData,
        })
    }

    /// The row that starts at `pos`; None when it cannot be read.
    pub fn get(&mut self, pos: &csv::Position) -> Option<R> {
        let mut at = pos.clone();
        at.set_byte(pos.byte() + self.skip);
        self.rdr.seek(at).ok()?;
        if !self.rdr.read_record(&mut self.rec).ok()? {
            return None;
        }
        restored(self.rec.clone()).deserialize(Some(&self.en)).ok()
    }
}

/// Whether the file at `path` ends with a line break (a whole last line).
fn ends_with_newline(path: &std::path::Path) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    let mut last = [0u8; 1];
    std::fs::File::open(path)
        .and_then(|mut f| {
            f.seek(SeekFrom::End(-1))?;
            f.read_exact(&mut last)
        })
        .is_ok_and(|()| last == [b'\n'])
}

/// A report file read anew each time it is iterated: the rows of a file too
/// big to hold, for code that goes over them more than once. A file that
/// cannot be opened any more yields nothing (logged).
#[derive(Debug)]
pub struct RowsOf<R> {
    path: std::path::PathBuf,
    _row: std::marker::PhantomData<R>,
}

impl<R> RowsOf<R> {
    /// The rows of `path`.
    pub fn new(path: impl Into<std::path::PathBuf>) -> Self {
        RowsOf {
            path: path.into(),
            _row: std::marker::PhantomData,
        }
    }
}

impl<R> Clone for RowsOf<R> {
    fn clone(&self) -> Self {
        RowsOf::new(self.path.clone())
    }
}

impl<R: serde::de::DeserializeOwned + Row> IntoIterator for RowsOf<R> {
    type Item = R;
    type IntoIter = Rows<R>;

    fn into_iter(self) -> Rows<R> {
        rows(&self.path).unwrap_or_else(|e| {
            tracing::error!(path = %self.path.display(), error = %e, "cannot read the report file");
            Rows {
                records: None,
                en: csv::StringRecord::new(),
                path: self.path.clone(),
                broken: None,
                last: None,
                _row: std::marker::PhantomData,
            }
        })
    }
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

/// Why a row could not be written as one CSV record: the file could not be
/// written, or the row type is not a flat struct (a programming error, not a
/// site's doing).
#[derive(Debug)]
enum RowError {
    Csv(csv::Error),
    Shape(String),
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RowError::Csv(e) => e.fmt(f),
            RowError::Shape(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for RowError {}

impl ser::Error for RowError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        RowError::Shape(msg.to_string())
    }
}

fn not_flat<T>(what: &str) -> Result<T, RowError> {
    Err(RowError::Shape(format!(
        "a CSV row has flat fields, not {what}"
    )))
}

/// Where cells go: the fields of the current record of a CSV writer.
trait Cells {
    fn cell(&mut self, bytes: &[u8]) -> Result<(), RowError>;
}

impl<W: Write> Cells for csv::Writer<W> {
    fn cell(&mut self, bytes: &[u8]) -> Result<(), RowError> {
        self.write_field(bytes).map_err(RowError::Csv)
    }
}

/// Serializes a row struct, one field per cell.
struct RowSer<'a, C: Cells> {
    out: &'a mut C,
}

/// Serializes one field value into one cell.
struct CellSer<'a, C: Cells> {
    out: &'a mut C,
}

impl<C: Cells> CellSer<'_, C> {
    fn int(self, magnitude: u64, negative: bool) -> Result<(), RowError> {
        let mut buf = [0u8; 21];
        let mut i = buf.len();
        let mut n = magnitude;
        loop {
            i -= 1;
            buf[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        if negative {
            i -= 1;
            buf[i] = b'-';
        }
        self.out.cell(&buf[i..])
    }

    fn signed(self, v: i64) -> Result<(), RowError> {
        self.int(v.unsigned_abs(), v < 0)
    }

    fn float(self, v: impl std::fmt::Display) -> Result<(), RowError> {
        self.out.cell(v.to_string().as_bytes())
    }
}

impl<'a, C: Cells> ser::SerializeStruct for RowSer<'a, C> {
    type Ok = ();
    type Error = RowError;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        _key: &'static str,
        value: &T,
    ) -> Result<(), RowError> {
        value.serialize(CellSer {
            out: &mut *self.out,
        })
    }
    fn end(self) -> Result<(), RowError> {
        Ok(())
    }
}

macro_rules! flat_only {
    ($($method:ident($($arg:ty),*) -> $ret:ty;)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<$ret, RowError> {
            not_flat(stringify!($method))
        })*
    };
}

/// The associated types of both serializers: only a struct (`$row`) may
/// have fields.
macro_rules! flat_types {
    ($row:ty) => {
        type Ok = ();
        type Error = RowError;
        type SerializeSeq = Impossible<(), RowError>;
        type SerializeTuple = Impossible<(), RowError>;
        type SerializeTupleStruct = Impossible<(), RowError>;
        type SerializeTupleVariant = Impossible<(), RowError>;
        type SerializeMap = Impossible<(), RowError>;
        type SerializeStruct = $row;
        type SerializeStructVariant = Impossible<(), RowError>;
    };
}

/// The methods both serializers refuse alike: enums with data (`$enum`
/// says what the error calls them), tuple structs, bytes, sequences,
/// tuples and maps.
macro_rules! not_containers {
    ($enum:literal) => {
        fn serialize_newtype_variant<T: ?Sized + Serialize>(
            self,
            _name: &'static str,
            _index: u32,
            _variant: &'static str,
            _value: &T,
        ) -> Result<(), RowError> {
            not_flat($enum)
        }
        fn serialize_tuple_struct(
            self,
            _name: &'static str,
            _len: usize,
        ) -> Result<Self::SerializeTupleStruct, RowError> {
            not_flat("a tuple struct")
        }
        fn serialize_tuple_variant(
            self,
            _name: &'static str,
            _index: u32,
            _variant: &'static str,
            _len: usize,
        ) -> Result<Self::SerializeTupleVariant, RowError> {
            not_flat($enum)
        }
        fn serialize_struct_variant(
            self,
            _name: &'static str,
            _index: u32,
            _variant: &'static str,
            _len: usize,
        ) -> Result<Self::SerializeStructVariant, RowError> {
            not_flat($enum)
        }
        flat_only! {
            serialize_bytes(&[u8]) -> ();
            serialize_seq(Option<usize>) -> Self::SerializeSeq;
            serialize_tuple(usize) -> Self::SerializeTuple;
            serialize_map(Option<usize>) -> Self::SerializeMap;
        }
    };
}

impl<'a, C: Cells> ser::Serializer for RowSer<'a, C> {
    flat_types!(RowSer<'a, C>);

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self, RowError> {
        Ok(self)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), RowError> {
        value.serialize(self)
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), RowError> {
        value.serialize(self)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
    ) -> Result<(), RowError> {
        not_flat("an enum")
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), RowError> {
        not_flat("a unit struct")
    }
    not_containers!("an enum");
    flat_only! {
        serialize_bool(bool) -> ();
        serialize_i8(i8) -> ();
        serialize_i16(i16) -> ();
        serialize_i32(i32) -> ();
        serialize_i64(i64) -> ();
        serialize_u8(u8) -> ();
        serialize_u16(u16) -> ();
        serialize_u32(u32) -> ();
        serialize_u64(u64) -> ();
        serialize_f32(f32) -> ();
        serialize_f64(f64) -> ();
        serialize_char(char) -> ();
        serialize_str(&str) -> ();
        serialize_none() -> ();
        serialize_unit() -> ();
    }
}

impl<C: Cells> ser::Serializer for CellSer<'_, C> {
    flat_types!(Impossible<(), RowError>);

    fn serialize_str(self, v: &str) -> Result<(), RowError> {
        self.out.cell(neutralize(v).as_bytes())
    }
    fn serialize_char(self, v: char) -> Result<(), RowError> {
        self.serialize_str(v.encode_utf8(&mut [0u8; 4]))
    }
    fn serialize_bool(self, v: bool) -> Result<(), RowError> {
        self.out.cell(if v { b"true" } else { b"false" })
    }
    fn serialize_i8(self, v: i8) -> Result<(), RowError> {
        self.signed(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<(), RowError> {
        self.signed(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result<(), RowError> {
        self.signed(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Result<(), RowError> {
        self.signed(v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), RowError> {
        self.int(u64::from(v), false)
    }
    fn serialize_u16(self, v: u16) -> Result<(), RowError> {
        self.int(u64::from(v), false)
    }
    fn serialize_u32(self, v: u32) -> Result<(), RowError> {
        self.int(u64::from(v), false)
    }
    fn serialize_u64(self, v: u64) -> Result<(), RowError> {
        self.int(v, false)
    }
    fn serialize_f32(self, v: f32) -> Result<(), RowError> {
        self.out.cell(v.to_string().as_bytes())
    }
    fn serialize_f64(self, v: f64) -> Result<(), RowError> {
        self.float(v)
    }
    fn serialize_none(self) -> Result<(), RowError> {
        self.out.cell(b"")
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), RowError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), RowError> {
        self.out.cell(b"")
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), RowError> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), RowError> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), RowError> {
        value.serialize(self)
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, RowError> {
        not_flat("a nested struct")
    }
    not_containers!("an enum with data");
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
    fn rows_are_read_again_by_position_in_any_order() {
        let tmp = tempfile::tempdir().unwrap();
        for (lang, bom) in [(Lang::Zh, true), (Lang::En, false)] {
            let path = tmp.path().join("links.csv");
            let mut w =
                CsvWriter::<_, LinkRow>::new(std::fs::File::create(&path).unwrap(), lang, bom)
                    .unwrap();
            let mut want = Vec::new();
            for i in 0..50 {
                let mut r = row();
                r.link_text = format!("=第{i}条\n\"引号\", 逗号");
                r.elapsed_ms = Some(i);
                w.write(&r).unwrap();
                want.push(r);
            }
            w.flush().unwrap();
            drop(w);
            let mut it = rows::<LinkRow>(&path).unwrap();
            let mut at = Vec::new();
            while let Some(r) = it.next() {
                at.push((it.position().unwrap().clone(), r));
            }
            assert_eq!(at.len(), 50);
            let mut again = RowsAt::<LinkRow>::open(&path).unwrap();
            for (pos, r) in at.iter().rev() {
                assert_eq!(again.get(pos).as_ref(), Some(r));
            }
            assert_eq!(at.iter().map(|a| a.1.clone()).collect::<Vec<_>>(), want);
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
    /// OWASP CSV injection: the cells a spreadsheet would run get a `'`.
    #[test]
    fn formula_cells_get_a_quote_and_read_back_as_written() {
        for (cell, written) in [
            ("=1+2", "'=1+2"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("-2+3", "'-2+3"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("'=1", "''=1"),
            ("''-x", "'''-x"),
            ("'plain", "'plain"),
            ("'", "'"),
            ("通知公告", "通知公告"),
            (" =1", " =1"),
            ("a=1", "a=1"),
            ("", ""),
            ("http://a/-x", "http://a/-x"),
        ] {
            assert_eq!(neutralize(cell), written, "{cell:?}");
            assert_eq!(restore(written), cell, "{written:?}");
        }
    }

    #[test]
    fn hostile_text_cells_are_prefixed_numbers_are_not() {
        let hostile = LinkRow {
            page_url: "=HYPERLINK(\"http://evil/\")".into(),
            target_url: "-2+3".into(),
            link_text: "+cmd|' /C calc'!A0".into(),
            element: "@SUM(A1)".into(),
            status: "'quoted".into(),
            http_status: Some(404),
            final_url: "'=1+2".into(),
            elapsed_ms: Some(0),
        };
        let mut w = CsvWriter::<_, LinkRow>::new(Vec::new(), Lang::En, false).unwrap();
        w.write(&hostile).unwrap();
        let bytes = w.into_inner().unwrap();
        let text = std::str::from_utf8(&bytes).unwrap();
        let line = text.lines().nth(1).unwrap();
        assert_eq!(
            line,
            "\"'=HYPERLINK(\"\"http://evil/\"\")\",'-2+3,'+cmd|' /C calc'!A0,'@SUM(A1),'quoted,404,''=1+2,0"
        );
        // No cell of the file starts with a formula character.
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(bytes.as_slice());
        for rec in rdr.records() {
            for cell in rec.unwrap().iter() {
                assert!(
                    !matches!(
                        cell.chars().next(),
                        Some('=' | '+' | '-' | '@' | '\t' | '\r')
                    ),
                    "{cell:?}"
                );
            }
        }
        assert_eq!(read_rows::<LinkRow>(&bytes).unwrap(), vec![hostile]);
    }

    /// Our own negative numbers stay numbers; a text column holding one is text.
    #[test]
    fn numbers_are_written_as_numbers() {
        #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
        struct Nums {
            days: i64,
            delta: f64,
            label: String,
            flag: bool,
            none: Option<u16>,
        }
        impl Row for Nums {
            const EN: &'static [&'static str] = &["days", "delta", "label", "flag", "none"];
            const ZH: &'static [&'static str] = &["天数", "变化", "标签", "标志", "无"];
        }
        let row = Nums {
            days: -3,
            delta: -0.5,
            label: "-3".into(),
            flag: true,
            none: None,
        };
        let mut w = CsvWriter::<_, Nums>::new(Vec::new(), Lang::Zh, true).unwrap();
        w.write(&row).unwrap();
        let bytes = w.into_inner().unwrap();
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        assert_eq!(text, "天数,变化,标签,标志,无\n-3,-0.5,'-3,true,\n");
        assert_eq!(read_rows::<Nums>(&bytes).unwrap(), vec![row]);
    }

    #[test]
    fn integer_extremes() {
        #[derive(serde::Serialize)]
        struct Ints {
            a: i64,
            b: u64,
            c: i8,
            d: u16,
        }
        impl Row for Ints {
            const EN: &'static [&'static str] = &["a", "b", "c", "d"];
            const ZH: &'static [&'static str] = &["a", "b", "c", "d"];
        }
        let mut w = CsvWriter::<_, Ints>::new(Vec::new(), Lang::En, false).unwrap();
        w.write(&Ints {
            a: i64::MIN,
            b: u64::MAX,
            c: 0,
            d: 404,
        })
        .unwrap();
        let bytes = w.into_inner().unwrap();
        assert_eq!(
            std::str::from_utf8(&bytes).unwrap(),
            "a,b,c,d\n-9223372036854775808,18446744073709551615,0,404\n"
        );
    }

    #[test]
    fn a_row_that_is_not_a_flat_struct_is_an_error_not_a_panic() {
        #[derive(serde::Serialize)]
        struct Nested {
            inner: Vec<u8>,
        }
        impl Row for Nested {
            const EN: &'static [&'static str] = &["inner"];
            const ZH: &'static [&'static str] = &["内"];
        }
        let mut w = CsvWriter::<_, Nested>::new(Vec::new(), Lang::En, false).unwrap();
        assert!(w.write(&Nested { inner: vec![1] }).is_err());
    }

    proptest::proptest! {
        /// Any text, after any run of quotes, reads back as it was, and the
        /// written cell never starts with a formula character.
        #[test]
        fn any_text_round_trips(
            quotes in 0usize..3,
            first in proptest::sample::select(vec!['=', '+', '-', '@', '\t', '\r', '\'', 'a', '通', ' ']),
            rest in ".{0,12}",
        ) {
            let cell = format!("{}{first}{rest}", "'".repeat(quotes));
            let written = neutralize(&cell).into_owned();
            proptest::prop_assert!(!matches!(written.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r')));
            let row = LinkRow { link_text: cell.clone(), ..row() };
            let mut w = CsvWriter::<_, LinkRow>::new(Vec::new(), Lang::Zh, true).unwrap();
            w.write(&row).unwrap();
            let bytes = w.into_inner().unwrap();
            let back: Vec<LinkRow> = read_rows(&bytes).unwrap();
            proptest::prop_assert_eq!(&back[0].link_text, &cell);
        }
    }
}
