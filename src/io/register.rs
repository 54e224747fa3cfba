//! `out/register.csv`: one row per person, canonical English headers, the
//! source of each person, unknown columns after the known ones.

use anyhow::{bail, Context, Result};
use std::path::Path;

use crate::domain::checks::value_row;
use crate::domain::codes;
use crate::domain::columns::{Col, Level, COLUMNS, N_COLS};
use crate::domain::finding::Source;
use crate::domain::register::{Cell, PersonRow};

use super::csvout;

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

/// Append a household's persons to a CSV writer, each household-level cell
/// left blank on a member's row carried from the row that holds the value.
pub fn write_household<W: std::io::Write>(
    w: &mut csv::Writer<W>,
    rows: &[PersonRow],
    n_extras: usize,
) -> Result<()> {
    let head = rows
        .iter()
        .position(|r| {
            codes::lookup(codes::RELATION, r.get(Col::Relation)).is_some_and(|c| c.en == "head")
        })
        .unwrap_or(0);
    let carried: Vec<&str> = COLUMNS
        .iter()
        .map(|c| {
            if c.level == Level::Household {
                value_row(rows, head, c.col).get(c.col)
            } else {
                ""
            }
        })
        .collect();
    for p in rows {
        let src_row = p.src.row.to_string();
        for cell in [
            &p.src.file,
            &p.src.sheet,
            src_row.as_str(),
            p.village_code.as_str(),
            p.id_as_written.as_str(),
        ] {
            w.write_field(csvout::neutralise(cell).as_bytes())?;
        }
        for (i, cell) in p.cells.iter().enumerate() {
            let v = if cell.is_empty() {
                carried[i]
            } else {
                cell.as_str()
            };
            w.write_field(csvout::neutralise(v).as_bytes())?;
        }
        for i in 0..n_extras {
            w.write_field(
                csvout::neutralise(p.extras.get(i).map(|s| s.as_str()).unwrap_or("")).as_bytes(),
            )?;
        }
        w.write_record(None::<&[u8]>)?;
    }
    Ok(())
}

/// Reads the register back, one source file's rows at a time.
pub struct RegisterReader {
    rdr: csv::Reader<std::io::BufReader<std::fs::File>>,
    pub extras: Vec<String>,
    map: Vec<usize>,
    pending: Option<PersonRow>,
    record: csv::StringRecord,
    names: (std::sync::Arc<str>, std::sync::Arc<str>),
}

impl RegisterReader {
    pub fn open(path: &Path) -> Result<RegisterReader> {
        let f =
            std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let mut rdr =
            csv::ReaderBuilder::new().from_reader(std::io::BufReader::with_capacity(1 << 20, f));
        let hdr: Vec<String> = rdr.headers()?.iter().map(|s| s.to_string()).collect();
        let want = header(&[]);
        let mut map = Vec::with_capacity(want.len());
        for w in &want {
            match hdr.iter().position(|h| h == w) {
                Some(p) => map.push(p),
                None => bail!(
                    "{} is not a fupin register: column {w} is missing",
                    path.display()
                ),
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
            rdr,
            extras,
            map,
            pending: None,
            record: csv::StringRecord::new(),
            names: Default::default(),
        })
    }

    fn next_row(&mut self) -> Result<Option<PersonRow>> {
        if !self.rdr.read_record(&mut self.record)? {
            return Ok(None);
        }
        let r = &self.record;
        let get = |i: usize| Cell::from(csvout::restore(r.get(self.map[i]).unwrap_or("")).as_ref());
        // Rows of one sheet share its names.
        let (file, sheet) = (get(0), get(1));
        if *self.names.0 != *file {
            self.names.0 = file.as_str().into();
        }
        if *self.names.1 != *sheet {
            self.names.1 = sheet.as_str().into();
        }
        let mut p = PersonRow {
            src: Source {
                file: self.names.0.clone(),
                sheet: self.names.1.clone(),
                row: get(2).parse().unwrap_or(0),
            },
            village_code: get(3),
            id_as_written: get(4),
            id_key: 0,
            cells: Vec::with_capacity(N_COLS),
            extras: Vec::with_capacity(self.extras.len()),
        };
        for i in 0..N_COLS {
            p.cells.push(get(LEAD.len() + i));
        }
        for i in 0..self.extras.len() {
            p.extras.push(get(LEAD.len() + N_COLS + i));
        }
        Ok(Some(p))
    }

    /// The rows of the next source file, or `None` at the end.
    pub fn next_file(&mut self) -> Result<Option<Vec<PersonRow>>> {
        let mut rows = Vec::new();
        if let Some(p) = self.pending.take() {
            rows.push(p);
        }
        while let Some(p) = self.next_row()? {
            if rows
                .first()
                .is_some_and(|f: &PersonRow| f.src.file != p.src.file)
            {
                self.pending = Some(p);
                return Ok(Some(rows));
            }
            rows.push(p);
        }
        Ok(if rows.is_empty() { None } else { Some(rows) })
    }
}

/// Position of a known column in a register row (after the lead columns).
pub fn position(col: Col) -> usize {
    LEAD.len() + col.index()
}
