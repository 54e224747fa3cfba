//! `out/register.csv`: one row per person, canonical English headers, the
//! source of each person, unknown columns after the known ones.

use anyhow::Result;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::domain::checks::value_row;
use crate::domain::columns::{Col, Level, COLUMNS, N_COLS};
use crate::domain::register::{Cell, PersonRow, Span};

use super::csvout;
use super::journal::HashingReader;
use crate::error::data;

pub const LEAD: [&str; 5] = [
    "source_file",
    "source_sheet",
    "source_row",
    "village_code",
    "id_number_as_written",
];

/// The register's header: lead columns, known columns, extras.
pub fn header(extras: &[String]) -> Vec<String> {
    LEAD.iter()
        .map(|s| s.to_string())
        .chain(COLUMNS.iter().map(|c| c.en.to_string()))
        .chain(extras.iter().cloned())
        .collect()
}

/// Writes households' rows as the register's CSV text. The source file
/// and sheet of a sheet's rows are encoded once, not for every row.
#[derive(Default)]
pub struct RowWriter {
    /// The file and sheet of the rows written last, and as CSV fields.
    place: Option<(Arc<str>, Arc<str>)>,
    place_csv: Vec<u8>,
}

impl RowWriter {
    /// Append a household's persons to CSV text, each household-level
    /// cell left blank on a member's row carried from the row that holds
    /// the value (the head's, `rows[head]`, when it holds it).
    pub fn household(
        &mut self,
        out: &mut Vec<u8>,
        rows: &[PersonRow],
        head: usize,
        n_extras: usize,
    ) {
        let mut carried = [""; N_COLS];
        for c in COLUMNS.iter().filter(|c| c.level == Level::Household) {
            carried[c.col.index()] = value_row(rows, head, c.col).get(c.col);
        }
        let mut fields: Vec<&str> = Vec::with_capacity(LEAD.len() + N_COLS + n_extras);
        let mut digits = itoa::Buffer::new();
        for p in rows {
            let same = self.place.as_ref().is_some_and(|(file, sheet)| {
                Arc::ptr_eq(file, &p.src.file) && Arc::ptr_eq(sheet, &p.src.sheet)
            });
            if !same {
                self.place_csv.clear();
                csvout::push_field(&mut self.place_csv, true, &p.src.file);
                csvout::push_field(&mut self.place_csv, false, &p.src.sheet);
                self.place = Some((p.src.file.clone(), p.src.sheet.clone()));
            }
            out.extend_from_slice(&self.place_csv);
            // A row number needs neither quotes nor a leading `'`.
            out.push(b',');
            out.extend_from_slice(digits.format(p.src.row).as_bytes());
            fields.clear();
            fields.extend([p.village_code.as_str(), p.id_as_written.as_str()]);
            fields.extend(p.cells().enumerate().map(|(i, cell)| {
                if cell.is_empty() {
                    carried[i]
                } else {
                    cell
                }
            }));
            fields.extend((0..n_extras).map(|i| p.extras.get(i).map(|s| s.as_str()).unwrap_or("")));
            csvout::push_fields(out, &fields);
            out.push(b'\n');
        }
    }
}

/// Reads the register back, one source file's rows at a time. Reading
/// ([`RegisterReader::next_raw`]) only splits the CSV; decoding the rows
/// ([`RawFile::rows`]) can then run on other threads. A register that
/// cannot be read is a data error: fupin wrote it, and `import` writes it
/// again.
pub struct RegisterReader {
    path: PathBuf,
    rdr: csv::Reader<std::io::BufReader<HashingReader<std::fs::File>>>,
    pub extras: Vec<String>,
    map: std::sync::Arc<[usize]>,
    pending: Option<csv::ByteRecord>,
    record: csv::ByteRecord,
}

/// The rows of one source file as the register holds them, not yet
/// decoded: all fields' bytes one after another, and where each ends.
pub struct RawFile {
    text: Vec<u8>,
    ends: Vec<usize>,
    width: usize,
    /// Line of the register the first row is on.
    first_line: u64,
    map: std::sync::Arc<[usize]>,
    n_extras: usize,
}

impl RegisterReader {
    pub fn open(path: &Path) -> Result<RegisterReader> {
        let f = std::fs::File::open(path)
            .map_err(|e| data(format!("cannot open {}: {e}", path.display())))?;
        let mut rdr = csv::ReaderBuilder::new().from_reader(std::io::BufReader::with_capacity(
            1 << 20,
            HashingReader::new(f),
        ));
        let hdr: Vec<String> = rdr
            .headers()
            .map_err(|e| data(format!("{}: {e}", path.display())))?
            .iter()
            .map(|s| s.to_string())
            .collect();
        let want = header(&[]);
        let mut map = Vec::with_capacity(want.len());
        for w in &want {
            match hdr.iter().position(|h| h == w) {
                Some(p) => map.push(p),
                None => {
                    return Err(data(format!(
                        "{} is not a fupin register: column {w} is missing",
                        path.display()
                    )))
                }
            }
        }
        let extras = hdr
            .iter()
            .filter(|h| !want.contains(h))
            .cloned()
            .collect::<Vec<_>>();
        for e in &extras {
            if let Some(p) = hdr.iter().position(|h| h == e) {
                map.push(p);
            }
        }
        Ok(RegisterReader {
            path: path.to_path_buf(),
            rdr,
            extras,
            map: map.into(),
            pending: None,
            record: csv::ByteRecord::new(),
        })
    }

    /// The next source file's rows, split but not decoded, or `None` at the
    /// end.
    pub fn next_raw(&mut self) -> Result<Option<RawFile>> {
        let mut raw = RawFile {
            text: Vec::new(),
            ends: Vec::new(),
            width: 0,
            first_line: 0,
            map: self.map.clone(),
            n_extras: self.extras.len(),
        };
        let mut file: Vec<u8> = Vec::new();
        if let Some(rec) = self.pending.take() {
            file.extend_from_slice(rec.get(self.map[0]).unwrap_or_default());
            raw.push(&rec);
        }
        while self
            .rdr
            .read_byte_record(&mut self.record)
            .map_err(|e| data(format!("{}: {e}", self.path.display())))?
        {
            let this = self.record.get(self.map[0]).unwrap_or_default();
            if raw.ends.is_empty() {
                file.extend_from_slice(this);
            } else if this != file.as_slice() {
                self.pending = Some(self.record.clone());
                return Ok(Some(raw));
            }
            raw.push(&self.record);
        }
        Ok((!raw.ends.is_empty()).then_some(raw))
    }

    /// SHA-256 of the register, once it has been read to the end.
    pub fn digest(&self) -> Option<String> {
        self.rdr.get_ref().get_ref().digest()
    }

    /// The rows of the next source file, or `None` at the end.
    pub fn next_file(&mut self) -> Result<Option<Vec<PersonRow>>> {
        match self.next_raw()? {
            Some(raw) => Ok(Some(raw.rows()?)),
            None => Ok(None),
        }
    }
}

impl RawFile {
    fn push(&mut self, rec: &csv::ByteRecord) {
        if self.ends.is_empty() {
            self.width = rec.len();
            self.first_line = rec.position().map(|p| p.line()).unwrap_or(0);
        }
        let base = self.text.len();
        self.text.extend_from_slice(rec.as_slice());
        for i in 0..rec.len() {
            self.ends
                .push(base + rec.range(i).map(|r| r.end).unwrap_or(0));
        }
    }

    /// Decode the rows.
    pub fn rows(&self) -> Result<Vec<PersonRow>> {
        let n = self.ends.len() / self.width.max(1);
        let mut rows = Vec::with_capacity(n);
        let mut names: (std::sync::Arc<str>, std::sync::Arc<str>) = Default::default();
        for r in 0..n {
            let ends = &self.ends[r * self.width..(r + 1) * self.width];
            let start = if r == 0 {
                0
            } else {
                self.ends[r * self.width - 1]
            };
            let end = ends.last().copied().unwrap_or(start);
            let bad = || {
                data(format!(
                    "register line {} is not UTF-8 text",
                    self.first_line + r as u64
                ))
            };
            // The row's text is valid and every field starts and ends on a
            // character: then every field is valid.
            let text = std::str::from_utf8(&self.text[start..end]).map_err(|_| bad())?;
            let field = |i: usize| -> Result<&str> {
                let a = if i == 0 { start } else { ends[i - 1] } - start;
                field_at(text, a, ends[i] - start).ok_or_else(bad)
            };
            let get = |i: usize| -> Result<Cell> { Ok(Cell::from(field(self.map[i])?)) };
            // Rows of one sheet share its names.
            let (file, sheet) = (field(self.map[0])?, field(self.map[1])?);
            if *names.0 != *file {
                names.0 = file.into();
            }
            if *names.1 != *sheet {
                names.1 = sheet.into();
            }
            // The known cells where they lie in the row's text (a
            // restored value is the end of its field).
            let mut spans: [Span; N_COLS] = Default::default();
            for (i, span) in spans.iter_mut().enumerate() {
                let j = self.map[LEAD.len() + i];
                let to = ends[j] - start;
                *span = ((to - field(j)?.len()) as u32, to as u32);
            }
            let row = field(self.map[2])?.parse().unwrap_or(0);
            let mut p = PersonRow::default();
            p.refill((&names.0, &names.1, row), text, spans);
            p.village_code = get(3)?;
            p.id_as_written = get(4)?;
            p.extras = Vec::with_capacity(self.n_extras);
            for i in 0..self.n_extras {
                p.extras.push(get(LEAD.len() + N_COLS + i)?);
            }
            rows.push(p);
        }
        Ok(rows)
    }
}

/// A field of a row's text, a neutralised value restored; `None` when the
/// field does not start and end on a character.
fn field_at(text: &str, a: usize, b: usize) -> Option<&str> {
    text.get(a..b).map(csvout::restore)
}

/// Position of a known column in a register row (after the lead columns).
pub fn position(col: Col) -> usize {
    LEAD.len() + col.index()
}
