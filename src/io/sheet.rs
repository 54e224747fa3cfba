//! Reading any sheet fupin accepts (.csv in UTF-8 or GB18030, .xlsx, .xls,
//! .ods) into rows of text. Formats are told by content, not by name.

use calamine::{Data, DataRef, DataType, Reader};
use std::io::Cursor;
use std::path::Path;

/// Limits that keep a hostile or careless file from exhausting memory.
pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;
pub const MAX_ROWS: u32 = 1_048_576;
pub const MAX_COLS: usize = 512;
pub const MAX_CELLS: u64 = 20_000_000;

/// One row of text cells and its 1-based line or row number in the file.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: u64,
    pub cells: Vec<String>,
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
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read the file: {e}"))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "the file is {} MB, more than the {} MB fupin accepts for one sheet file; split it by village",
            meta.len() / 1_048_576,
            MAX_FILE_BYTES / 1_048_576
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read the file: {e}"))?;
    read_bytes(&bytes, encoding)
}

/// Read just enough of a file to see its header rows: the first 64 KB of a
/// CSV file, a workbook whole (then `true`: the sheets are complete).
/// Problems are left for the full read.
pub fn read_head(path: &Path, encoding: Option<Encoding>) -> Option<(Vec<Sheet>, bool)> {
    use std::io::Read;
    let mut f = std::fs::File::open(path).ok()?;
    let mut head = vec![0u8; 65536];
    let n = f.read(&mut head).ok()?;
    head.truncate(n);
    if head.starts_with(b"PK") || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return read_file(path, encoding).ok().map(|s| (s, true));
    }
    if n == 65536 {
        let cut = head.iter().rposition(|&b| b == b'\n').unwrap_or(0);
        head.truncate(cut + 1);
    }
    read_bytes(&head, encoding).ok().map(|s| (s, n < 65536))
}

/// Read a file's bytes, telling the format by content.
pub fn read_bytes(bytes: &[u8], encoding: Option<Encoding>) -> Result<Vec<Sheet>, String> {
    if bytes.is_empty() {
        return Err("the file is empty".into());
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return read_zip_workbook(bytes);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return read_xls(bytes);
    }
    if bytes.starts_with(b"PK") {
        return Err("the file is a damaged or unsupported zip archive, not a workbook".into());
    }
    let text = decode(bytes, encoding)?;
    Ok(vec![Sheet {
        name: String::new(),
        rows: parse_csv(&text)?,
    }])
}

/// BOM → strict UTF-8 → strict GB18030 → refuse (DESIGN 4).
pub fn decode(bytes: &[u8], forced: Option<Encoding>) -> Result<String, String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8(rest);
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err("the file is in UTF-16; save it as CSV UTF-8 instead".into());
    }
    match forced {
        Some(Encoding::Utf8) => utf8(bytes),
        Some(Encoding::Gb18030) => gb18030(bytes),
        None => utf8(bytes).or_else(|utf8_err| {
            gb18030(bytes).map_err(|_| {
                format!("{utf8_err}, nor GB18030/GBK text; save it as CSV UTF-8, or name the encoding with --encoding")
            })
        }),
    }
}

fn utf8(bytes: &[u8]) -> Result<String, String> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => Err(format!(
            "the file is not UTF-8 text (line {}, byte {})",
            line_of(bytes, e.valid_up_to()),
            e.valid_up_to() + 1
        )),
    }
}

fn gb18030(bytes: &[u8]) -> Result<String, String> {
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|c| c.into_owned())
        .ok_or_else(|| "the file is not GB18030/GBK text".to_string())
}

fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn parse_csv(text: &str) -> Result<Vec<Row>, String> {
    if text.contains('\0') {
        let line = text[..text.find('\0').unwrap_or(0)].matches('\n').count() + 1;
        return Err(format!(
            "the file holds NUL bytes (line {line}); it is not a text CSV file"
        ));
    }
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut rec = csv::StringRecord::new();
    let mut cells_total: u64 = 0;
    let bytes = text.as_bytes();
    let (mut counted_to, mut newlines) = (0usize, 0u64);
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                // The line a record starts on, counted from its byte offset:
                // the reader's own line count lags on CRLF files.
                let mut b = rec
                    .position()
                    .map(|p| p.byte() as usize)
                    .unwrap_or(0)
                    .min(bytes.len());
                while b < bytes.len() && (bytes[b] == b'\n' || bytes[b] == b'\r') {
                    b += 1;
                }
                if b > counted_to {
                    newlines += bytes[counted_to..b].iter().filter(|&&c| c == b'\n').count() as u64;
                    counted_to = b;
                }
                let line = newlines + 1;
                if rec.len() > MAX_COLS {
                    return Err(format!(
                        "line {line} has {} columns, more than the {MAX_COLS} fupin accepts",
                        rec.len()
                    ));
                }
                cells_total += rec.len() as u64;
                if cells_total > MAX_CELLS {
                    return Err(format!(
                        "the file holds more than {MAX_CELLS} cells; split it by village"
                    ));
                }
                rows.push(Row {
                    line,
                    cells: rec.iter().map(clean).collect(),
                });
            }
            Err(e) => {
                let line = e
                    .position()
                    .map(|p| p.line())
                    .unwrap_or(rdr.position().line());
                return Err(format!("line {line}: the CSV cannot be read ({e})"));
            }
        }
    }
    Ok(rows)
}

/// Trim a cell (ASCII and ideographic spaces). Full-width forms are kept:
/// they are folded only where values are matched (headers, codes, numbers).
pub fn clean(s: &str) -> String {
    s.trim().to_string()
}

fn read_zip_workbook(bytes: &[u8]) -> Result<Vec<Sheet>, String> {
    let is_ods = bytes
        .windows(39)
        .take(200)
        .any(|w| w == b"mimetypeapplication/vnd.oasis.opendocum");
    if is_ods {
        let mut wb: calamine::Ods<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
            .map_err(|e| format!("the file is not a readable .ods workbook ({e})"))?;
        let names = visible_sheets(&wb);
        return names
            .into_iter()
            .map(|n| {
                let range = wb
                    .worksheet_range(&n)
                    .map_err(|e| format!("sheet {n}: {e}"))?;
                range_to_sheet(n, &range)
            })
            .collect();
    }
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| format!("the file is not a readable .xlsx workbook ({e})"))?;
    let names = visible_sheets(&wb);
    let mut out = Vec::new();
    for n in names {
        let mut cells = wb
            .worksheet_cells_reader(&n)
            .map_err(|e| format!("sheet {n}: {e}"))?;
        let mut grid: Vec<Row> = Vec::new();
        let mut count: u64 = 0;
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
            let line = r as u64 + 1;
            if grid.last().is_none_or(|last| last.line != line) {
                grid.push(Row {
                    line,
                    cells: Vec::new(),
                });
            }
            if let Some(row) = grid.last_mut() {
                if row.cells.len() <= c as usize {
                    row.cells.resize(c as usize + 1, String::new());
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
    let mut wb: calamine::Xls<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| format!("the file is not a readable .xls workbook ({e})"))?;
    let names = visible_sheets(&wb);
    names
        .into_iter()
        .map(|n| {
            let range = wb
                .worksheet_range(&n)
                .map_err(|e| format!("sheet {n}: {e}"))?;
            range_to_sheet(n, &range)
        })
        .collect()
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
    let mut rows = Vec::new();
    for (i, r) in range.rows().enumerate() {
        let mut cells: Vec<String> = vec![String::new(); c0 as usize];
        cells.extend(r.iter().map(data_text));
        while cells.last().is_some_and(|c| c.is_empty()) {
            cells.pop();
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

fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e17 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

fn data_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => clean(s),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(_) | Data::DateTimeIso(_) => {
            d.as_date().map(|x| x.to_string()).unwrap_or_default()
        }
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

fn data_ref_text(d: &DataRef<'_>) -> String {
    match d {
        DataRef::Empty => String::new(),
        DataRef::String(s) => clean(s),
        DataRef::SharedString(s) => clean(s),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number_text(*f),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(_) | DataRef::DateTimeIso(_) => {
            d.as_date().map(|x| x.to_string()).unwrap_or_default()
        }
        DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => format!("#{e:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_encodings() {
        assert_eq!(decode("\u{feff}村,户".as_bytes(), None).unwrap(), "村,户");
        let (gb, _, _) = encoding_rs::GB18030.encode("村,户编号");
        assert_eq!(decode(&gb, None).unwrap(), "村,户编号");
        let e = decode(b"a,b\n\x80\xff\xff", None).unwrap_err();
        assert!(e.contains("line 2"), "{e}");
        assert!(e.contains("--encoding"), "{e}");
    }

    #[test]
    fn folds_full_width_forms() {
        assert_eq!(clean("　户编号 "), "户编号");
        assert_eq!(clean("入户核查：迁出"), "入户核查：迁出");
    }

    #[test]
    fn refuses_empty_and_nul() {
        assert!(read_bytes(b"", None).unwrap_err().contains("empty"));
        assert!(read_bytes(b"a,b\n\0", None).unwrap_err().contains("NUL"));
    }

    #[test]
    fn csv_line_numbers() {
        for text in [
            "\u{feff}h1,h2\n1,2\n\"x\ny\",3\n4,5\n",
            "h1,h2\r\n1,2\r\n\"x\r\ny\",3\r\n4,5\r\n",
        ] {
            let s = read_bytes(text.as_bytes(), None).unwrap();
            let lines: Vec<u64> = s[0].rows.iter().map(|r| r.line).collect();
            assert_eq!(lines, vec![1, 2, 3, 5], "{text:?}");
        }
    }
}
