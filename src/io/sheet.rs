//! Reading any sheet fupin accepts (.csv in UTF-8 or GB18030, .xlsx, .xls,
//! .ods) into rows of text. Formats are told by content, not by name.

use calamine::{Data, DataRef, DataType, Reader};
use std::io::Cursor;
use std::path::Path;

pub use crate::domain::register::Cell;

mod guard;
mod text;
pub use text::{utf8_records, CsvError, Records, View};

pub use text::decode;
use text::read_csv;

// Limits that keep a hostile or careless file from exhausting memory, running
// for ever or crashing the reader (DESIGN 6). A file beyond any of them is
// refused with a message naming the limit; nothing of it is imported.

/// Largest file read at all, of any format (512 MB).
pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;
/// Last row read: a cell below row 1,048,576 (Excel's own last row) is refused.
pub const MAX_ROWS: u32 = 1_048_576;
/// Columns read: a non-empty cell beyond column 512 (`SR`), a CSV line of
/// more than 512 fields, or an .xlsx sheet that declares (`<dimension>`) more
/// than 512 columns is refused.
pub const MAX_COLS: usize = 512;
/// Non-empty cells read from one file (20 million).
pub const MAX_CELLS: u64 = 20_000_000;
/// Text in the cells of one .csv or .xlsx file, all cells together (256
/// MB): a cell of an .xlsx file that refers to a shared string gets a copy
/// of it, so a small file could otherwise ask for gigabytes.
pub const MAX_TEXT_BYTES: u64 = 256 * 1024 * 1024;
/// Characters in one cell: Excel's own limit (32,767).
pub const MAX_CELL_CHARS: usize = 32_767;
/// Bytes the parts of an .xlsx or .ods file may decompress to, all parts
/// together, as the zip's central directory declares them (256 MB); the
/// zip reader stops at a part's declared size, so the declaration binds.
pub const MAX_UNZIPPED_BYTES: u64 = 256 * 1024 * 1024;
/// Compression ratio of one part of 1 MB or more ([`ZIP_RATIO_FROM_BYTES`])
/// when decompressed: 200 to 1. Real sheets compress 5 to 50 times; a zip
/// bomb compresses a thousand times.
pub const MAX_ZIP_RATIO: u64 = 200;
/// Parts smaller than this (1 MB) are not held to [`MAX_ZIP_RATIO`].
pub const ZIP_RATIO_FROM_BYTES: u64 = 1024 * 1024;
/// Entries in a zip workbook (10,000; a real one holds a few dozen).
pub const MAX_ZIP_ENTRIES: u64 = 10_000;
/// Cells an .xls or .ods workbook may make the reader build (8 million, all
/// sheets together). These formats are loaded whole, as dense grids that
/// span each sheet's cells from the first to the last (empty cells and
/// repeated rows and columns included) plus the space the file declares:
/// the file is scanned and refused before anything is built.
pub const MAX_GRID_CELLS: u64 = 8_000_000;
/// Text an .xls or .ods workbook may make the reader copy into those grids
/// (256 MB; a repeated cell's text counts once per repeat).
pub const MAX_GRID_TEXT_BYTES: u64 = 256 * 1024 * 1024;

/// One row of text cells and its 1-based line or row number in the file.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: u64,
    pub cells: Vec<Cell>,
}

impl Row {
    /// The cells as owned strings.
    pub fn strings(&self) -> Vec<String> {
        self.cells.iter().map(|c| c.to_string()).collect()
    }
}

/// One sheet of a file (a CSV file has one, named after nothing).
#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Row>,
}

/// Encoding of a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Gb18030,
}

impl std::str::FromStr for Encoding {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
            "utf8" => Ok(Encoding::Utf8),
            "gb18030" | "gbk" | "gb2312" => Ok(Encoding::Gb18030),
            _ => Err(format!("unknown encoding {s:?}: use utf-8 or gb18030")),
        }
    }
}

/// Read every sheet of a file. The error is a plain message for the clerk.
pub fn read_file(path: &Path, encoding: Option<Encoding>) -> Result<Vec<Sheet>, String> {
    read_bytes(&file_bytes(path)?, encoding)
}

/// The bytes of a sheet file, refused beyond [`MAX_FILE_BYTES`].
pub fn file_bytes(path: &Path) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read the file: {e}"))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "the file is {} MB, more than the {} MB fupin accepts for one sheet file; split it by village",
            meta.len() / 1_048_576,
            MAX_FILE_BYTES / 1_048_576
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read the file: {e}"))?;
    Ok(bytes)
}

/// Read just enough of a file to see its header rows: the first rows of a
/// CSV file (all of it when it is under 64 KB), a workbook whole; `true`
/// when the sheets are complete. Problems are left for the full read.
pub fn read_head(path: &Path, encoding: Option<Encoding>) -> Option<(Vec<Sheet>, bool)> {
    use std::io::Read;
    const HEAD: u64 = 65536;
    let mut head = Vec::with_capacity(HEAD as usize);
    std::fs::File::open(path)
        .ok()?
        .take(HEAD)
        .read_to_end(&mut head)
        .ok()?;
    if head.starts_with(b"PK") || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return read_file(path, encoding).ok().map(|s| (s, true));
    }
    if head.len() < HEAD as usize {
        return read_bytes(&head, encoding).ok().map(|s| (s, true));
    }
    let cut = head.iter().rposition(|&b| b == b'\n').unwrap_or(0);
    head.truncate(cut + 1);
    let rows = read_csv(&head, encoding, HEADER_ROWS).ok()?;
    Some((
        vec![Sheet {
            name: String::new(),
            rows,
        }],
        false,
    ))
}

/// How many rows from the top the header may be found on.
pub const HEADER_ROWS: usize = 10;

/// Read a file's bytes, telling the format by content.
pub fn read_bytes(bytes: &[u8], encoding: Option<Encoding>) -> Result<Vec<Sheet>, String> {
    if bytes.is_empty() {
        return Err("the file is empty".into());
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return read_zip_workbook(bytes);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return read_xls(bytes);
    }
    if bytes.starts_with(b"PK") {
        return Err("the file is a damaged or unsupported zip archive, not a workbook".into());
    }
    Ok(vec![Sheet {
        name: String::new(),
        rows: read_csv(bytes, encoding, usize::MAX)?,
    }])
}

/// The first cell of more than [`MAX_CELL_CHARS`] characters: its 1-based
/// column and its length.
fn long_cell<'a>(cells: impl IntoIterator<Item = &'a str>) -> Option<(usize, usize)> {
    cells.into_iter().enumerate().find_map(|(i, s)| {
        let n = if s.len() > MAX_CELL_CHARS {
            s.chars().count()
        } else {
            0
        };
        (n > MAX_CELL_CHARS).then_some((i + 1, n))
    })
}

fn too_much_text(line: u64) -> String {
    format!(
        "by row {line} the cells hold more than {} MB of text, more than fupin accepts for one file; split it by village",
        MAX_TEXT_BYTES / 1_048_576
    )
}

fn too_long(n: usize) -> String {
    format!(
        "the cell holds {n} characters, more than the {MAX_CELL_CHARS} a spreadsheet cell can hold"
    )
}

/// A column's letters: 1 → `A`, 16384 → `XFD`.
fn column_name(mut c: u64) -> String {
    let mut s = Vec::new();
    while c > 0 {
        c -= 1;
        s.push(b'A' + (c % 26) as u8);
        c /= 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// Trim a cell (ASCII and ideographic spaces). Full-width forms are kept:
/// they are folded only where values are matched (headers, codes, numbers).
pub fn clean(s: &str) -> Cell {
    let (from, to) = trimmed(s);
    Cell::new(s.get(from..to).unwrap_or(""))
}

/// Where a cell's text lies once trimmed (as [`clean`] trims it): from, to.
pub fn trimmed(s: &str) -> (usize, usize) {
    if plain_edges(s.as_bytes()) {
        return (0, s.len());
    }
    let start = s.len() - s.trim_start().len();
    (start, start + s.trim().len())
}

/// Where the cell at `from..to` of `text` lies once trimmed (an empty span
/// when `from..to` is not on characters).
pub fn trimmed_at(text: &str, from: usize, to: usize) -> (u32, u32) {
    if text.as_bytes().get(from..to).is_some_and(plain_edges) {
        return (from as u32, to as u32);
    }
    let (a, b) = text.get(from..to).map(trimmed).unwrap_or((0, 0));
    ((from + a) as u32, (from + b) as u32)
}

/// Whether a cell's bytes start and end on what no white space is: a
/// printable ASCII character or a CJK ideograph (lead byte E4–E9), as
/// most cells do.
fn plain_edges(b: &[u8]) -> bool {
    let plain_start = |c: u8| (0x21..=0x7E).contains(&c) || (0xE4..=0xE9).contains(&c);
    match b {
        [] => true,
        [.., last] if (0x21..=0x7E).contains(last) => plain_start(b[0]),
        [.., lead, _, _] if (0xE4..=0xE9).contains(lead) => plain_start(b[0]),
        _ => false,
    }
}

fn read_zip_workbook(bytes: &[u8]) -> Result<Vec<Sheet>, String> {
    let is_ods = bytes
        .windows(39)
        .take(200)
        .any(|w| w == b"mimetypeapplication/vnd.oasis.opendocum");
    guard::zip_workbook(bytes, is_ods)?;
    guard::no_panic(|| {
        if is_ods {
            read_ods(bytes)
        } else {
            read_xlsx(bytes)
        }
    })
}

fn read_ods(bytes: &[u8]) -> Result<Vec<Sheet>, String> {
    let mut wb: calamine::Ods<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| format!("the file is not a readable .ods workbook ({e})"))?;
    dense_sheets(&mut wb)
}

/// Every visible sheet of a workbook that calamine loads whole (.xls, .ods).
fn dense_sheets<RS, R>(wb: &mut R) -> Result<Vec<Sheet>, String>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
{
    visible_sheets(wb)
        .into_iter()
        .map(|n| {
            let range = wb
                .worksheet_range(&n)
                .map_err(|e| format!("sheet {n}: {e}"))?;
            range_to_sheet(n, &range)
        })
        .collect()
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<Sheet>, String> {
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| format!("the file is not a readable .xlsx workbook ({e})"))?;
    let names = visible_sheets(&wb);
    let mut out = Vec::new();
    let (mut count, mut text_total) = (0u64, 0u64);
    for n in names {
        let mut cells = wb
            .worksheet_cells_reader(&n)
            .map_err(|e| format!("sheet {n}: {e}"))?;
        // The declared range costs nothing here (cells are streamed), but one
        // wider than fupin reads is absurd for an application sheet.
        let dim = cells.dimensions();
        let cols = u64::from(dim.end.1.saturating_sub(dim.start.1)) + 1;
        let rows = u64::from(dim.end.0.saturating_sub(dim.start.0)) + 1;
        if cols > MAX_COLS as u64 || dim.end.0 >= MAX_ROWS {
            return Err(format!(
                "sheet {n} declares the range {}{}:{}{}, {cols} columns × {rows} rows, more than the {MAX_COLS} columns × {MAX_ROWS} rows fupin reads; delete the columns and rows beyond the data and save again",
                column_name(u64::from(dim.start.1) + 1),
                u64::from(dim.start.0) + 1,
                column_name(u64::from(dim.end.1) + 1),
                u64::from(dim.end.0) + 1,
            ));
        }
        let mut grid: Vec<Row> = Vec::new();
        loop {
            let cell = match cells.next_cell() {
                Ok(Some(c)) => c,
                Ok(None) => break,
                Err(e) => return Err(format!("sheet {n}: the sheet cannot be read ({e})")),
            };
            let (r, c) = cell.get_position();
            let text = data_ref_text(cell.get_value());
            if text.is_empty() {
                continue;
            }
            count += 1;
            if count > MAX_CELLS || r >= MAX_ROWS || c as usize >= MAX_COLS {
                return Err(format!(
                    "sheet {n}: cell at row {}, column {} lies beyond what fupin accepts ({MAX_COLS} columns, {MAX_CELLS} cells)",
                    r + 1,
                    c + 1
                ));
            }
            if let Some((_, len)) = long_cell([text.as_str()]) {
                return Err(format!(
                    "sheet {n}, cell {}{}: {}",
                    column_name(u64::from(c) + 1),
                    r + 1,
                    too_long(len)
                ));
            }
            text_total += text.len() as u64;
            if text_total > MAX_TEXT_BYTES {
                return Err(format!("sheet {n}: {}", too_much_text(u64::from(r) + 1)));
            }
            let line = r as u64 + 1;
            if grid.last().is_none_or(|last| last.line != line) {
                grid.push(Row {
                    line,
                    cells: Vec::new(),
                });
            }
            if let Some(row) = grid.last_mut() {
                if row.cells.len() <= c as usize {
                    row.cells.resize(c as usize + 1, Cell::default());
                }
                row.cells[c as usize] = text;
            }
        }
        grid.sort_by_key(|r| r.line);
        out.push(Sheet {
            name: n,
            rows: grid,
        });
    }
    Ok(out)
}

fn read_xls(bytes: &[u8]) -> Result<Vec<Sheet>, String> {
    guard::xls(bytes)?;
    guard::no_panic(|| {
        let mut wb: calamine::Xls<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
            .map_err(|e| {
                format!(
                    "the file starts like an .xls workbook but is damaged or not one ({e}); open it in Excel or WPS and save it again"
                )
            })?;
        dense_sheets(&mut wb)
    })
}

fn visible_sheets<RS: std::io::Read + std::io::Seek, R: Reader<RS>>(wb: &R) -> Vec<String> {
    wb.sheets_metadata()
        .iter()
        .filter(|s| {
            s.visible == calamine::SheetVisible::Visible && s.typ == calamine::SheetType::WorkSheet
        })
        .map(|s| s.name.clone())
        .collect()
}

fn range_to_sheet(name: String, range: &calamine::Range<Data>) -> Result<Sheet, String> {
    let (h, w) = range.get_size();
    if w > MAX_COLS || (h as u64) * (w as u64) > MAX_CELLS {
        return Err(format!(
            "sheet {name}: {h} rows × {w} columns is more than fupin accepts"
        ));
    }
    let (r0, c0) = range.start().unwrap_or((0, 0));
    if c0 as usize + w > MAX_COLS {
        return Err(format!(
            "sheet {name}: cells reach column {} ({}), beyond the {MAX_COLS} columns fupin reads; delete the columns beyond the data and save again",
            column_name(c0 as u64 + w as u64),
            c0 as usize + w
        ));
    }
    let mut rows = Vec::new();
    for (i, r) in range.rows().enumerate() {
        let mut cells: Vec<Cell> = vec![Cell::default(); c0 as usize];
        cells.extend(r.iter().map(data_text));
        while cells.last().is_some_and(|c| c.is_empty()) {
            cells.pop();
        }
        if let Some((col, len)) = long_cell(cells.iter().map(Cell::as_str)) {
            return Err(format!(
                "sheet {name}, cell {}{}: {}",
                column_name(col as u64),
                r0 as u64 + i as u64 + 1,
                too_long(len)
            ));
        }
        if !cells.is_empty() {
            rows.push(Row {
                line: (r0 as u64) + i as u64 + 1,
                cells,
            });
        }
    }
    Ok(Sheet { name, rows })
}

/// A number cell as text. A spreadsheet keeps 15 significant digits of a
/// number: one of 16 digits or more (an ID number typed as a number) lost
/// its last digits when it was typed, whatever it shows now. It is written
/// as Excel shows it, in scientific notation (`3.701241965050501E+17`), so
/// that the ID number check, reading it in the register, knows it was a
/// number ([`crate::domain::idnum::IdError::StoredAsNumber`]).
fn number_text(f: f64) -> String {
    if f.is_finite() && f.abs() >= 1e15 {
        let s = format!("{f:E}");
        match s.split_once('E') {
            Some((m, e)) if !e.starts_with('-') => format!("{m}E+{e}"),
            _ => s,
        }
    } else if f.fract() == 0.0 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// Whether calamine can turn a date cell's serial number into a date: it
/// panics (chrono's `Duration::milliseconds`) on a serial beyond about 1e11
/// days, e.g. `-1e300` in a date-formatted cell. Such a cell keeps its number.
fn date_serial_ok(serial: f64) -> bool {
    serial.is_finite() && serial.abs() < 1e9
}

fn data_text(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::default(),
        Data::String(s) => clean(s),
        Data::Int(i) => compact_str::format_compact!("{i}"),
        Data::Float(f) => number_text(*f).into(),
        Data::Bool(b) => {
            if *b {
                "true".into()
            } else {
                "false".into()
            }
        }
        Data::DateTime(dt) if !date_serial_ok(dt.as_f64()) => number_text(dt.as_f64()).into(),
        Data::DateTime(_) | Data::DateTimeIso(_) => d
            .as_date()
            .map(|x| x.to_string().into())
            .unwrap_or_default(),
        Data::DurationIso(s) => s.as_str().into(),
        Data::Error(e) => compact_str::format_compact!("#{e:?}"),
    }
}

fn data_ref_text(d: &DataRef<'_>) -> Cell {
    match d {
        DataRef::Empty => Cell::default(),
        DataRef::String(s) => clean(s),
        DataRef::SharedString(s) => clean(s),
        DataRef::Int(i) => compact_str::format_compact!("{i}"),
        DataRef::Float(f) => number_text(*f).into(),
        DataRef::Bool(b) => {
            if *b {
                "true".into()
            } else {
                "false".into()
            }
        }
        DataRef::DateTime(dt) if !date_serial_ok(dt.as_f64()) => number_text(dt.as_f64()).into(),
        DataRef::DateTime(_) | DataRef::DateTimeIso(_) => d
            .as_date()
            .map(|x| x.to_string().into())
            .unwrap_or_default(),
        DataRef::DurationIso(s) => s.as_str().into(),
        DataRef::Error(e) => compact_str::format_compact!("#{e:?}"),
    }
}

#[cfg(test)]
mod tests;
