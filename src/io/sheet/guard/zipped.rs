//! `.xlsx` and `.ods` workbooks: the zip directory, shared strings and the
//! grid an `.ods` sheet would build.

use std::borrow::Cow;
use std::io::{BufReader, Cursor};

use quick_xml::events::{BytesStart, Event};

use super::super::{
    MAX_CELL_CHARS, MAX_GRID_CELLS, MAX_GRID_TEXT_BYTES, MAX_UNZIPPED_BYTES, MAX_ZIP_ENTRIES,
    MAX_ZIP_RATIO, ZIP_RATIO_FROM_BYTES,
};
use super::MB;

// ---------------------------------------------------------------------------
// Zip workbooks (.xlsx, .ods)

/// Check a zip workbook before calamine opens it: entries, decompressed
/// size, compression ratios, that it holds a workbook, the shared strings'
/// count (.xlsx) and the grid the sheets would make (.ods).
pub(crate) fn zip_workbook(bytes: &[u8], is_ods: bool) -> Result<(), String> {
    let declared = declared_entries(bytes);
    if declared > MAX_ZIP_ENTRIES {
        return Err(format!(
            "the workbook is a zip archive of {declared} entries, more than the {MAX_ZIP_ENTRIES} fupin accepts (a workbook holds a few dozen); it is damaged or not a workbook"
        ));
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        format!(
            "the file is a damaged zip archive, not a readable workbook ({e}); it may have been cut short in copying: copy or save it again"
        )
    })?;
    if zip.len() > MAX_ZIP_ENTRIES as usize {
        return Err(format!(
            "the workbook is a zip archive of {} entries, more than the {MAX_ZIP_ENTRIES} fupin accepts (a workbook holds a few dozen); it is damaged or not a workbook",
            zip.len()
        ));
    }
    let mut total: u64 = 0;
    let mut names: Vec<(String, u64)> = Vec::with_capacity(zip.len());
    let mut worst: Option<(String, u64, u64)> = None;
    for i in 0..zip.len() {
        let entry = zip
            .by_index_data(i)
            .map_err(|e| format!("the file is a damaged zip archive ({e})"))?;
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        let (size, packed) = (entry.size(), entry.compressed_size());
        total = total.saturating_add(size);
        if size >= ZIP_RATIO_FROM_BYTES && size / packed.max(1) > MAX_ZIP_RATIO {
            let ratio = size / packed.max(1);
            if worst.as_ref().is_none_or(|w| ratio > w.2) {
                worst = Some((name.clone(), size, ratio));
            }
        }
        names.push((name, size));
    }
    if total > MAX_UNZIPPED_BYTES {
        return Err(format!(
            "the workbook would decompress to {} MB, more than the {} MB fupin accepts; it is a zip bomb, or too big: split it by village",
            total / MB,
            MAX_UNZIPPED_BYTES / MB
        ));
    }
    if let Some((name, size, ratio)) = worst {
        return Err(format!(
            "the workbook's part {name} would decompress to {} MB, {ratio} times its stored size, more than the {MAX_ZIP_RATIO} times fupin accepts; it is a zip bomb or a damaged file",
            size / MB
        ));
    }
    let has = |want: &str| names.iter().any(|(n, _)| n.eq_ignore_ascii_case(want));
    if is_ods {
        if !has("content.xml") {
            return Err(
                "the .ods archive holds no content.xml: it is damaged or not a spreadsheet".into(),
            );
        }
        return ods_content(&mut zip);
    }
    if !has("xl/workbook.xml") && !has("_rels/.rels") {
        return Err(
            "the zip archive holds no workbook (no xl/workbook.xml): it is not an .xlsx or .ods spreadsheet"
                .into(),
        );
    }
    for (i, (name, size)) in names.iter().enumerate() {
        if name.to_ascii_lowercase().ends_with("sharedstrings.xml") {
            shared_strings(&mut zip, i, *size)?;
        }
    }
    Ok(())
}

/// The largest number of entries any end-of-central-directory record near
/// the end of the file declares (zip64 included); 0 when none is found.
fn declared_entries(bytes: &[u8]) -> u64 {
    let from = bytes.len().saturating_sub(65_536 + 22);
    let tail = &bytes[from..];
    let mut most = 0u64;
    for i in (0..tail.len().saturating_sub(21)).rev() {
        if &tail[i..i + 4] != b"PK\x05\x06" {
            continue;
        }
        let at = from + i;
        let disk = u64::from(le16(bytes, at + 8).unwrap_or(0));
        let all = u64::from(le16(bytes, at + 10).unwrap_or(0));
        most = most.max(disk).max(all);
        if disk == 0xFFFF || all == 0xFFFF {
            // The zip64 locator sits just before, and points at the zip64 record.
            let zip64 = at
                .checked_sub(20)
                .filter(|&l| bytes.get(l..l + 4) == Some(b"PK\x06\x07"))
                .and_then(|l| le64(bytes, l + 8))
                .and_then(|o| usize::try_from(o).ok())
                .filter(|&o| bytes.get(o..).is_some_and(|b| b.starts_with(b"PK\x06\x06")));
            if let Some(o) = zip64 {
                most = most
                    .max(le64(bytes, o + 24).unwrap_or(0))
                    .max(le64(bytes, o + 32).unwrap_or(0));
            }
        }
    }
    most
}

pub(super) fn le16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

pub(super) fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

pub(super) fn le64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

type Zip<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;
type XmlEntry<'z, 'b> = quick_xml::Reader<BufReader<zip::read::ZipFile<'z, Cursor<&'b [u8]>>>>;

/// A streaming XML reader over one zip entry, configured as calamine's.
fn xml_entry<'z, 'b>(zip: &'z mut Zip<'b>, index: usize) -> Option<XmlEntry<'z, 'b>> {
    let f = zip.by_index(index).ok()?;
    let mut r = quick_xml::Reader::from_reader(BufReader::new(f));
    let c = r.config_mut();
    c.check_end_names = false;
    c.trim_text(false);
    c.check_comments = false;
    c.expand_empty_elements = true;
    Some(r)
}

/// The first attribute named `key`, parsed as a count both raw and
/// unescaped (calamine reads some counts one way, some the other): the
/// larger reading.
fn count_attr(e: &BytesStart<'_>, key: &str) -> Option<u64> {
    let mut attrs = e.attributes();
    attrs.with_checks(false);
    for a in attrs.flatten() {
        if a.key.as_ref() != key {
            continue;
        }
        let raw = a.value.parse::<u64>().ok();
        let unescaped = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .ok()
            .and_then(|s| s.parse::<u64>().ok());
        return raw.max(unescaped);
    }
    None
}

/// The length of the first attribute named `key`, if there is one.
fn has_attr(e: &BytesStart<'_>, key: &str) -> Option<usize> {
    let mut attrs = e.attributes();
    attrs.with_checks(false);
    attrs
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .map(|a| a.value.len())
}

/// calamine reserves a `String` for every shared string the part declares
/// (`uniqueCount`) before reading one: a small file can ask for terabytes.
fn shared_strings(zip: &mut Zip<'_>, index: usize, size: u64) -> Result<(), String> {
    let Some(mut xml) = xml_entry(zip, index) else {
        return Ok(());
    };
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.local_name().as_ref() == "sst" => {
                let n = count_attr(&e, "uniqueCount").unwrap_or(0);
                // Every string takes at least `<si/>`, five bytes; a count a
                // little off (some writers put the references there) is
                // harmless, a million more than the part can hold is not.
                if n > super::super::MAX_CELLS || (n > 1_000_000 && n > size / 5) {
                    return Err(format!(
                        "the workbook's shared strings declare {n} entries in {} bytes, more than fupin accepts; the file is damaged or hostile: open it in Excel or WPS and save it again",
                        size
                    ));
                }
                return Ok(());
            }
            Ok(Event::Eof) | Err(_) => return Ok(()),
            Ok(_) => {}
        }
    }
}

/// What calamine would hold for one .ods table while and after loading it.
#[derive(Default)]
struct Table {
    name: String,
    rows: u64,
    /// Cells of the row-by-row vectors (values and formulas).
    loaded: u64,
    /// Rows of the bounding box so far, repeats included, and the pending
    /// empty rows after the last non-empty one.
    span: u64,
    pending: u64,
    first_row_seen: bool,
    col_min: u64,
    col_max: u64,
    /// Text copied into the grid.
    text: u64,
}

impl Table {
    fn grid(&self) -> u64 {
        if !self.first_row_seen {
            return 0;
        }
        self.span
            .saturating_mul(self.col_max.saturating_sub(self.col_min) + 1)
    }
}

/// One row being read.
#[derive(Default)]
struct OdsRow {
    repeats: u64,
    cur: u64,
    pending: u64,
    first: Option<u64>,
    last: u64,
    text: u64,
}

/// One cell being read.
#[derive(Default)]
struct OdsCell {
    repeats: u64,
    valued: bool,
    text: u64,
}

const ODS_MAX_ROWS: u64 = 1_048_576;
const ODS_MAX_COLS: u64 = 16_384;

/// Scan `content.xml` for the grid calamine would build: every sheet is
/// loaded whole when the file is opened, repeated rows and columns are
/// expanded, and a repeated cell's text is copied into every repeat.
fn ods_content(zip: &mut Zip<'_>) -> Result<(), String> {
    let Some(index) = zip.index_for_name("content.xml") else {
        return Ok(());
    };
    let Some(mut xml) = xml_entry(zip, index) else {
        return Ok(());
    };
    let mut buf = Vec::new();
    let (mut done_cells, mut done_text) = (0u64, 0u64);
    let mut table: Option<Table> = None;
    let mut row: Option<OdsRow> = None;
    let mut cell: Option<OdsCell> = None;
    loop {
        buf.clear();
        let ev = match xml.read_event_into(&mut buf) {
            Ok(Event::Eof) | Err(_) => return Ok(()),
            Ok(ev) => ev,
        };
        match ev {
            Event::Start(e) => match e.name().as_ref() {
                "table:table" => {
                    let name = e
                        .try_get_attribute("table:name")
                        .ok()
                        .flatten()
                        .and_then(|a| {
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .ok()
                                .map(Cow::into_owned)
                        })
                        .unwrap_or_default();
                    table = Some(Table {
                        name,
                        ..Table::default()
                    });
                }
                "table:table-row" => {
                    if let Some(t) = table.as_mut() {
                        let asked = count_attr(&e, "table:number-rows-repeated").unwrap_or(1);
                        let repeats = asked.min(ODS_MAX_ROWS.saturating_sub(t.rows));
                        t.rows += repeats;
                        row = Some(OdsRow {
                            repeats,
                            ..OdsRow::default()
                        });
                    }
                }
                "table:table-cell" | "table:covered-table-cell" if row.is_some() => {
                    let valued = [
                        "office:value",
                        "office:string-value",
                        "office:date-value",
                        "office:time-value",
                        "office:boolean-value",
                        "table:formula",
                    ]
                    .iter()
                    .filter_map(|k| has_attr(&e, k))
                    .collect::<Vec<_>>();
                    let string = has_attr(&e, "office:value-type").is_some()
                        || has_attr(&e, "calcext:value-type").is_some();
                    cell = Some(OdsCell {
                        repeats: count_attr(&e, "table:number-columns-repeated").unwrap_or(1),
                        valued: !valued.is_empty() || string,
                        text: valued.iter().map(|&n| n as u64).sum(),
                    });
                }
                "text:s" => {
                    if let Some(c) = cell.as_mut() {
                        let n = count_attr(&e, "text:c").unwrap_or(1);
                        if n > MAX_CELL_CHARS as u64 {
                            let sheet = table.as_ref().map(|t| t.name.as_str()).unwrap_or("");
                            return Err(format!(
                                "sheet {sheet}: a cell asks for {n} spaces, more than the {MAX_CELL_CHARS} characters a cell can hold; the file is damaged or hostile"
                            ));
                        }
                        c.text += n;
                    }
                }
                _ => {}
            },
            Event::Text(t) => {
                if let Some(c) = cell.as_mut() {
                    c.text += t.len() as u64;
                }
            }
            Event::GeneralRef(r) => {
                if let Some(c) = cell.as_mut() {
                    c.text += r.len() as u64 + 4;
                }
            }
            Event::End(e) => match e.name().as_ref() {
                "table:table-cell" | "table:covered-table-cell" => {
                    if let (Some(c), Some(r)) = (cell.take(), row.as_mut()) {
                        // calamine pushes the empty cells before this one,
                        // then this one `repeats` times, up to 16,384 a row.
                        r.cur += r.pending.min(ODS_MAX_COLS.saturating_sub(r.cur));
                        r.pending = 0;
                        let n = c.repeats.min(ODS_MAX_COLS.saturating_sub(r.cur));
                        if c.valued || c.text > 0 {
                            r.first.get_or_insert(r.cur);
                            r.cur += n;
                            r.last = r.cur.saturating_sub(1);
                            r.text = r.text.saturating_add(n.saturating_mul(c.text));
                        } else {
                            r.pending = n;
                        }
                    }
                }
                "table:table-row" => {
                    if let (Some(r), Some(t)) = (row.take(), table.as_mut()) {
                        t.loaded = t.loaded.saturating_add(r.cur);
                        t.text = t.text.saturating_add(r.text);
                        match r.first {
                            Some(first) => {
                                if t.first_row_seen {
                                    t.col_min = t.col_min.min(first);
                                    t.col_max = t.col_max.max(r.last);
                                    t.span = t.span.saturating_add(t.pending);
                                } else {
                                    t.first_row_seen = true;
                                    t.col_min = first;
                                    t.col_max = r.last;
                                }
                                t.pending = 0;
                                t.span = t.span.saturating_add(r.repeats);
                                // The grid copies the row's text into every repeat.
                                t.text = t.text.saturating_add(r.repeats.saturating_mul(r.text));
                            }
                            None => {
                                if t.first_row_seen {
                                    t.pending = t.pending.saturating_add(r.repeats);
                                }
                            }
                        }
                        let cells = done_cells.saturating_add(t.loaded).saturating_add(t.grid());
                        let text = done_text.saturating_add(t.text);
                        if cells > MAX_GRID_CELLS || text > MAX_GRID_TEXT_BYTES {
                            return Err(grid_message(
                                &t.name,
                                cells,
                                text,
                                Some((t.span, t.col_max.saturating_sub(t.col_min) + 1)),
                            ));
                        }
                    }
                }
                "table:table" => {
                    if let Some(t) = table.take() {
                        done_cells = done_cells.saturating_add(t.loaded).saturating_add(t.grid());
                        done_text = done_text.saturating_add(t.text);
                    }
                    row = None;
                    cell = None;
                }
                _ => {}
            },
            _ => {}
        }
    }
}

/// The message for a sheet that would be too big once loaded.
pub(super) fn grid_message(sheet: &str, cells: u64, text: u64, span: Option<(u64, u64)>) -> String {
    if text > MAX_GRID_TEXT_BYTES {
        return format!(
            "sheet {sheet}: loading the workbook would copy {} MB of text into its cells, more than the {} MB fupin accepts; the file is damaged or hostile, or too big: split it by village",
            text / MB,
            MAX_GRID_TEXT_BYTES / MB
        );
    }
    let extent = match span {
        Some((rows, cols)) => format!(" (its cells span {rows} rows × {cols} columns)"),
        None => String::new(),
    };
    format!(
        "sheet {sheet}: loading the workbook would build {cells} cells{extent}, more than the {MAX_GRID_CELLS} fupin accepts; delete the empty rows and columns around the data and save again, or split it by village"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_entries_reads_the_end_record() {
        let mut b = vec![0u8; 100];
        b.extend_from_slice(b"PK\x05\x06\0\0\0\0\x07\0\x09\0");
        b.extend_from_slice(&[0u8; 10]);
        assert_eq!(declared_entries(&b), 9);
        assert_eq!(declared_entries(b"PK"), 0);
    }
}
