//! Checks made before a workbook's bytes are handed to calamine, so that a
//! hostile or damaged file is refused with a message instead of exhausting
//! memory, running for ever or panicking (DESIGN 6).
//!
//! * `.xlsx` / `.ods` (zip): the central directory is read first — number of
//!   entries, the sum of the sizes they would decompress to and each part's
//!   compression ratio; the zip reader then enforces the declared sizes while
//!   decompressing, so no part can grow beyond what was checked. The shared
//!   strings' declared count (which calamine reserves memory for) is checked,
//!   and an .ods `content.xml` is scanned for the grid that calamine would
//!   build (repeated rows and columns, repeated long text, `<text:s c=…>`).
//! * `.xls` (OLE/BIFF): the compound file's chains are walked with cycle and
//!   bounds checks, and the sheets' records are scanned for the declared
//!   dimensions and the cells' extent, both of which calamine allocates.
//! * Whatever slips through: calamine runs under [`no_panic`], which turns a
//!   panic into a plain "the file is damaged" message.
//!
//! The limits are the `pub const`s of [`super`].

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashMap;
use std::io::{BufReader, Cursor};

use quick_xml::events::{BytesStart, Event};

use super::{
    MAX_CELL_CHARS, MAX_GRID_CELLS, MAX_GRID_TEXT_BYTES, MAX_UNZIPPED_BYTES, MAX_ZIP_ENTRIES,
    MAX_ZIP_RATIO, ZIP_RATIO_FROM_BYTES,
};

const MB: u64 = 1024 * 1024;

// ---------------------------------------------------------------------------
// Panics

thread_local! {
    /// Whether this thread is inside [`no_panic`]: its panics are reported
    /// as a message, not printed.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

static HOOK: std::sync::Once = std::sync::Once::new();

/// Run a reader; a panic in it becomes a plain message (and is not printed:
/// the clerk gets the message, with the reader's words in brackets).
pub(super) fn no_panic<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    r.unwrap_or_else(|payload| {
        let why = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(format!(
            "the file is damaged: the workbook reader failed on it ({why}); open it in Excel or WPS and save it again"
        ))
    })
}

// ---------------------------------------------------------------------------
// Zip workbooks (.xlsx, .ods)

/// Check a zip workbook before calamine opens it: entries, decompressed
/// size, compression ratios, that it holds a workbook, the shared strings'
/// count (.xlsx) and the grid the sheets would make (.ods).
pub(super) fn zip_workbook(bytes: &[u8], is_ods: bool) -> Result<(), String> {
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

fn le16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn le64(b: &[u8], at: usize) -> Option<u64> {
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
                if n > super::MAX_CELLS || (n > 1_000_000 && n > size / 5) {
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
fn grid_message(sheet: &str, cells: u64, text: u64, span: Option<(u64, u64)>) -> String {
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

// ---------------------------------------------------------------------------
// .xls: the compound file (MS-CFB)

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const RESERVED: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;

fn damaged(what: &str) -> String {
    format!(
        "the file starts like an .xls workbook but is damaged ({what}); open it in Excel or WPS and save it again"
    )
}

/// The compound file, read as calamine reads it, refusing what would make
/// calamine loop, index out of bounds or allocate without bound.
struct Cfb<'a> {
    bytes: &'a [u8],
    header: usize,
    size: usize,
    maxid: usize,
}

impl<'a> Cfb<'a> {
    /// Sector `id`, as much of it as the file holds.
    fn sector(&self, id: u32) -> Result<&'a [u8], String> {
        let id = id as usize;
        if id > self.maxid {
            return Err(damaged("a sector lies beyond the end of the file"));
        }
        let start = self.header + id * self.size;
        if start > self.bytes.len() {
            return Err(damaged("a sector lies beyond the end of the file"));
        }
        let end = (start + self.size).min(self.bytes.len());
        Ok(&self.bytes[start..end])
    }

    /// The bytes of a chain of sectors, up to `len`, as calamine collects
    /// them; a chain that loops or leaves the table is refused.
    fn chain(&self, mut id: u32, fat: &[u32], len: usize) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        let mut steps = 0usize;
        while id != ENDOFCHAIN {
            let s = self.sector(id)?;
            let take = s.len().min(len - out.len());
            out.extend_from_slice(&s[..take]);
            if out.len() >= len {
                break;
            }
            steps += 1;
            if steps > self.maxid + 1 {
                return Err(damaged("a chain of sectors loops"));
            }
            id = *fat
                .get(id as usize)
                .ok_or_else(|| damaged("a chain of sectors leaves the allocation table"))?;
        }
        Ok(out)
    }
}

fn words(b: &[u8]) -> impl Iterator<Item = u32> + '_ {
    b.chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
}

/// The `Workbook` (or `Book`) stream; `None` when calamine refuses the
/// header itself (it says why).
fn workbook_stream(bytes: &[u8]) -> Result<Option<Vec<u8>>, String> {
    if bytes.len() < 512 || !bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Ok(None);
    }
    let size = match le16(bytes, 30) {
        Some(9) => 512,
        Some(12) => 4096,
        _ => return Ok(None),
    };
    if le16(bytes, 32) != Some(6) || bytes.len() < size {
        return Ok(None);
    }
    let version = le16(bytes, 26).unwrap_or(0);
    let cfb = Cfb {
        bytes,
        header: size,
        size,
        maxid: bytes.len() / size,
    };
    // DIFAT, then the allocation table.
    let mut difat: Vec<u32> = words(&bytes[76..512]).collect();
    let mut id = le32(bytes, 68).unwrap_or(ENDOFCHAIN);
    let mut n = 0usize;
    while id < RESERVED {
        n += 1;
        if n > cfb.maxid + 1 {
            return Err(damaged("the sector index loops"));
        }
        difat.extend(words(cfb.sector(id)?));
        id = difat
            .pop()
            .ok_or_else(|| damaged("the sector index is empty"))?;
    }
    let fat_sectors: Vec<u32> = difat.into_iter().filter(|&i| i < DIFSECT).collect();
    if fat_sectors.len() > cfb.maxid + 1 {
        return Err(damaged("the allocation table is larger than the file"));
    }
    let mut fat: Vec<u32> = Vec::new();
    for i in fat_sectors {
        let s = cfb.sector(i)?;
        if s.len() % 4 != 0 {
            return Err(damaged("the allocation table is cut short"));
        }
        fat.extend(words(s));
    }
    // Directory.
    let dir = cfb.chain(le32(bytes, 48).unwrap_or(ENDOFCHAIN), &fat, usize::MAX)?;
    let entries: Vec<(String, u32, usize)> = dir
        .chunks_exact(128)
        .map(|e| {
            let units: Vec<u16> = e[..64]
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .take_while(|&u| u != 0)
                .collect();
            let name = String::from_utf16_lossy(&units);
            let start = u32::from_le_bytes([e[116], e[117], e[118], e[119]]);
            let len = if size == 512 {
                u32::from_le_bytes([e[120], e[121], e[122], e[123]]) as usize
            } else {
                usize::try_from(u64::from_le_bytes([
                    e[120], e[121], e[122], e[123], e[124], e[125], e[126], e[127],
                ]))
                .unwrap_or(usize::MAX)
            };
            (name, start, len)
        })
        .collect();
    let Some(root) = entries.first() else {
        return Err(damaged("it has no directory"));
    };
    if version != 3 && root.1 == ENDOFCHAIN {
        return Err(damaged("its root directory is empty"));
    }
    // The mini stream and its allocation table.
    let mini_fat_len = le32(bytes, 64).unwrap_or(0) as usize;
    let (mini, mini_fat) = if mini_fat_len > 0 {
        let mini = cfb.chain(root.1, &fat, root.2)?;
        let table = cfb.chain(
            le32(bytes, 60).unwrap_or(ENDOFCHAIN),
            &fat,
            mini_fat_len.saturating_mul(size),
        )?;
        if table.len() % 4 != 0 {
            return Err(damaged("the small-sector table is cut short"));
        }
        (mini, words(&table).collect::<Vec<u32>>())
    } else {
        (Vec::new(), Vec::new())
    };
    let find = |want: &str| {
        entries
            .iter()
            .find(|e| e.0.as_bytes().eq_ignore_ascii_case(want.as_bytes()))
    };
    let Some(&(_, start, len)) = find("Workbook").or_else(|| find("Book")) else {
        return Ok(None);
    };
    if len < 4096 {
        // Small streams live in 64-byte sectors of the mini stream.
        let mut out = Vec::new();
        let mut id = start;
        let mut steps = 0usize;
        while id != ENDOFCHAIN {
            let at = (id as usize).saturating_mul(64);
            let s = mini
                .get(at..at.saturating_add(64))
                .ok_or_else(|| damaged("a small sector lies beyond the mini stream"))?;
            out.extend_from_slice(&s[..s.len().min(len - out.len())]);
            if out.len() >= len {
                break;
            }
            steps += 1;
            if steps > mini.len() / 64 + 1 {
                return Err(damaged("a chain of small sectors loops"));
            }
            id = *mini_fat
                .get(id as usize)
                .ok_or_else(|| damaged("a chain of small sectors leaves its table"))?;
        }
        return Ok(Some(out));
    }
    cfb.chain(start, &fat, len).map(Some)
}

// ---------------------------------------------------------------------------
// .xls: the BIFF records

/// One record and the CONTINUE records after it.
struct Record<'a> {
    typ: u16,
    data: &'a [u8],
    cont: Vec<&'a [u8]>,
}

/// Records as calamine reads them; `None` at the end or where calamine
/// would stop with an error.
fn records(mut s: &[u8]) -> impl Iterator<Item = (usize, Record<'_>)> {
    let total = s.len();
    std::iter::from_fn(move || {
        if s.len() < 4 {
            return None;
        }
        let at = total - s.len();
        let typ = u16::from_le_bytes([s[0], s[1]]);
        let len = u16::from_le_bytes([s[2], s[3]]) as usize;
        if s.len() < len + 4 {
            return None;
        }
        let data = &s[4..len + 4];
        s = &s[len + 4..];
        let mut cont = Vec::new();
        while s.len() > 4 && u16::from_le_bytes([s[0], s[1]]) == 0x003C {
            let l = u16::from_le_bytes([s[2], s[3]]) as usize;
            if s.len() < l + 4 {
                return None;
            }
            cont.push(&s[4..l + 4]);
            s = &s[l + 4..];
        }
        Some((at, Record { typ, data, cont }))
    })
}

/// The character count of every shared string, walked as calamine walks
/// them (a string may continue in the next CONTINUE record).
fn sst_lengths(r: &Record<'_>) -> Vec<u64> {
    let mut out = Vec::new();
    let Some(mut data) = r.data.get(8..) else {
        return out;
    };
    let mut cont = r.cont.iter();
    loop {
        if data.is_empty() {
            match cont.next() {
                Some(c) => data = c,
                None => return out,
            }
            if data.is_empty() {
                out.push(0);
                continue;
            }
        }
        if data.len() < 3 {
            return out;
        }
        let cch = u16::from_le_bytes([data[0], data[1]]) as usize;
        let flags = data[2];
        data = &data[3..];
        let mut runs = 0usize;
        let mut ext = 0usize;
        if flags & 0x8 != 0 {
            let Some(b) = data.get(..2) else { return out };
            runs = u16::from_le_bytes([b[0], b[1]]) as usize * 4;
            data = &data[2..];
        }
        if flags & 0x4 != 0 {
            let Some(b) = data.get(..4) else { return out };
            ext = i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
            data = &data[4..];
        }
        let mut high = flags & 0x1 != 0;
        let mut left = cch;
        while left > 0 {
            let (n, used) = if high {
                let n = (data.len() / 2).min(left);
                (n, 2 * n)
            } else {
                let n = data.len().min(left);
                (n, n)
            };
            data = &data[used..];
            left -= n;
            if left > 0 {
                match cont.next() {
                    Some(c) if !c.is_empty() => {
                        high = c[0] & 0x1 != 0;
                        data = &c[1..];
                    }
                    _ => return out,
                }
            }
        }
        out.push(cch as u64);
        let mut skip = runs.saturating_add(ext);
        while skip > 0 {
            if data.is_empty() {
                match cont.next() {
                    Some(c) => data = c,
                    None => return out,
                }
            }
            let n = skip.min(data.len());
            data = &data[n..];
            skip -= n;
        }
    }
}

/// What one sheet costs calamine.
#[derive(Default, Clone, Copy)]
struct SheetCost {
    cells: u64,
    text: u64,
    declared: Option<(u64, u64)>,
}

/// Grows a bounding box.
#[derive(Default, Clone, Copy)]
struct Extent {
    any: bool,
    r0: u32,
    r1: u32,
    c0: u32,
    c1: u32,
}

impl Extent {
    fn add(&mut self, r: u32, c: u32) {
        if self.any {
            self.r0 = self.r0.min(r);
            self.r1 = self.r1.max(r);
            self.c0 = self.c0.min(c);
            self.c1 = self.c1.max(c);
        } else {
            *self = Extent {
                any: true,
                r0: r,
                r1: r,
                c0: c,
                c1: c,
            };
        }
    }

    fn cells(&self) -> u64 {
        if !self.any {
            return 0;
        }
        (u64::from(self.r1 - self.r0) + 1) * (u64::from(self.c1 - self.c0) + 1)
    }
}

/// Text a parsed formula can make of one byte of its tokens, at most: a
/// 4-byte space token makes up to 255 spaces, a 5-byte name token a defined
/// name, a 7-byte 3-D reference a sheet name and a cell (UTF-8: up to three
/// bytes a character).
fn formula_text_per_byte(longest_name: u64, longest_sheet: u64) -> u64 {
    64.max((3 * longest_name + 16) / 5 + 1)
        .max((3 * longest_sheet + 24) / 7 + 1)
}

fn rc(d: &[u8]) -> Option<(u32, u32)> {
    Some((u32::from(le16(d, 0)?), u32::from(le16(d, 2)?)))
}

/// Scan one sheet's substream (from `pos` to its EOF record) as calamine
/// loads it; `scanned` counts the bytes looked at.
fn sheet_cost(
    stream: &[u8],
    pos: usize,
    sst: &[u64],
    per_byte: u64,
    scanned: &mut u64,
) -> Result<SheetCost, String> {
    let sub = stream
        .get(pos..)
        .ok_or_else(|| damaged("a sheet starts beyond the end of the workbook stream"))?;
    let mut cost = SheetCost::default();
    let (mut values, mut formulas) = (Extent::default(), Extent::default());
    let (mut seen_bof, mut depth) = (false, 0usize);
    let mut formula_at = (0u32, 0u32);
    let mut n = 0u64;
    let mut end = 0usize;
    for (at, r) in records(sub) {
        end = at + 4 + r.data.len() + r.cont.iter().map(|c| c.len() + 4).sum::<usize>();
        if depth > 0 {
            match r.typ {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        let d = r.data;
        let text = |extra: u64| {
            3 * (d.len() as u64 + r.cont.iter().map(|c| c.len() as u64).sum::<u64>()) + extra
        };
        match r.typ {
            0x0809 => {
                if seen_bof {
                    depth += 1;
                } else {
                    seen_bof = true;
                }
            }
            0x0200 => {
                let (rf, rl, mut cf, cl) = match d.len() {
                    10 => (
                        u32::from(le16(d, 0).unwrap_or(0)),
                        u32::from(le16(d, 2).unwrap_or(0)),
                        u32::from(le16(d, 4).unwrap_or(0)),
                        u32::from(le16(d, 6).unwrap_or(0)),
                    ),
                    14 | 16 => (
                        le32(d, 0).unwrap_or(0),
                        le32(d, 4).unwrap_or(0),
                        u32::from(le16(d, 8).unwrap_or(0)),
                        u32::from(le16(d, 10).unwrap_or(0)),
                    ),
                    _ => break,
                };
                if 0xFF < cf || cl < cf {
                    cf = 0;
                }
                let (rows, cols) = if rl >= 1 && cl >= 1 {
                    if rl - 1 < rf || cl - 1 < cf {
                        return Err(damaged("a sheet's dimensions end before they start"));
                    }
                    (u64::from(rl - 1 - rf) + 1, u64::from(cl - 1 - cf) + 1)
                } else {
                    (1, 1)
                };
                cost.declared = Some((rows, cols));
                cost.cells = cost.cells.saturating_add(rows.saturating_mul(cols));
            }
            0x0203 | 0x0205 | 0x027E => {
                if let Some((r, c)) = rc(d) {
                    values.add(r, c);
                    n += 1;
                }
            }
            0x0204 | 0x00D6 => {
                if let Some((r, c)) = rc(d) {
                    values.add(r, c);
                    n += 1;
                    cost.text = cost.text.saturating_add(text(0));
                }
            }
            0x00FD => {
                if d.len() < 10 {
                    break;
                }
                let (r, c) = rc(d).unwrap_or((0, 0));
                let i = le32(d, 6).unwrap_or(u32::MAX) as usize;
                if let Some(&chars) = sst.get(i) {
                    values.add(r, c);
                    n += 1;
                    cost.text = cost.text.saturating_add(3 * chars);
                }
            }
            0x00BD if d.len() >= 6 => {
                let (r, first) = rc(d).unwrap_or((0, 0));
                let last = u32::from(le16(d, d.len() - 2).unwrap_or(0));
                if last < first || d.len() != 6 + 6 * (last - first + 1) as usize {
                    break;
                }
                values.add(r, first);
                values.add(r, last);
                n += u64::from(last - first + 1);
            }
            0x0207 => {
                values.add(formula_at.0, formula_at.1);
                n += 1;
                cost.text = cost.text.saturating_add(text(0));
            }
            0x0006 => {
                if d.len() < 20 {
                    break;
                }
                formula_at = rc(d).unwrap_or((0, 0));
                values.add(formula_at.0, formula_at.1);
                formulas.add(formula_at.0, formula_at.1);
                n += 1;
                let tokens =
                    (d.len() - 20) as u64 + r.cont.iter().map(|c| c.len() as u64).sum::<u64>();
                cost.text = cost
                    .text
                    .saturating_add(64 + tokens.saturating_mul(per_byte));
            }
            0x000A => break,
            _ => {}
        }
    }
    *scanned = scanned.saturating_add(end as u64);
    // The cells as read (40 bytes each), then the dense grids of values and
    // of formulas built from them.
    cost.cells = cost
        .cells
        .saturating_add(n)
        .saturating_add(values.cells())
        .saturating_add(formulas.cells());
    Ok(cost)
}

/// A BoundSheet8 record's sheet name (BIFF8: a length, a flags byte whose
/// bit 0 says UTF-16, the characters), for messages only.
fn sheet_name(d: &[u8]) -> String {
    let n = d[6] as usize;
    if d[7] & 1 != 0 {
        let units: Vec<u16> = d
            .get(8..8 + 2 * n)
            .unwrap_or_default()
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        d.get(8..8 + n)
            .unwrap_or_default()
            .iter()
            .map(|&b| char::from(b))
            .collect()
    }
}

/// Check an .xls file before calamine opens it.
pub(super) fn xls(bytes: &[u8]) -> Result<(), String> {
    let Some(stream) = workbook_stream(bytes)? else {
        return Ok(());
    };
    let mut sheets: Vec<(usize, String)> = Vec::new();
    let mut sst: Vec<u64> = Vec::new();
    let (mut longest_name, mut longest_sheet) = (0u64, 0u64);
    for (_, r) in records(&stream) {
        match r.typ {
            0x0085 if r.data.len() >= 8 => {
                let pos = le32(r.data, 0).unwrap_or(0) as usize;
                longest_sheet = longest_sheet.max(u64::from(r.data[6]));
                sheets.push((pos, sheet_name(r.data)));
            }
            0x0018 if r.data.len() >= 4 => longest_name = longest_name.max(u64::from(r.data[3])),
            0x00FC => sst = sst_lengths(&r),
            0x000A => break,
            _ => {}
        }
    }
    let mut seen: HashMap<usize, SheetCost> = HashMap::new();
    let (mut cells, mut text, mut scanned) = (0u64, 0u64, 0u64);
    let budget = 4 * stream.len() as u64 + (1 << 20);
    for (pos, name) in &sheets {
        let cost = match seen.get(pos) {
            Some(c) => *c,
            None => {
                let per_byte = formula_text_per_byte(longest_name, longest_sheet);
                let c = sheet_cost(&stream, *pos, &sst, per_byte, &mut scanned)?;
                if scanned > budget {
                    return Err(damaged("its sheets overlap"));
                }
                seen.insert(*pos, c);
                c
            }
        };
        if let Some((rows, cols)) = cost.declared {
            if rows.saturating_mul(cols) > MAX_GRID_CELLS {
                return Err(format!(
                    "sheet {name} declares {rows} rows × {cols} columns, more than the {MAX_GRID_CELLS} cells fupin accepts; the file is damaged or hostile: open it in Excel or WPS and save it again"
                ));
            }
        }
        cells = cells.saturating_add(cost.cells);
        text = text.saturating_add(cost.text);
        if cells > MAX_GRID_CELLS || text > MAX_GRID_TEXT_BYTES {
            return Err(grid_message(name, cells, text, None));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extents_count_the_box() {
        let mut e = Extent::default();
        assert_eq!(e.cells(), 0);
        e.add(3, 2);
        assert_eq!(e.cells(), 1);
        e.add(0, 5);
        assert_eq!(e.cells(), 4 * 4);
    }

    #[test]
    fn declared_entries_reads_the_end_record() {
        let mut b = vec![0u8; 100];
        b.extend_from_slice(b"PK\x05\x06\0\0\0\0\x07\0\x09\0");
        b.extend_from_slice(&[0u8; 10]);
        assert_eq!(declared_entries(&b), 9);
        assert_eq!(declared_entries(b"PK"), 0);
    }

    #[test]
    fn panics_become_messages() {
        let r: Result<(), String> = no_panic(|| panic!("boom"));
        let e = r.unwrap_err();
        assert!(e.contains("damaged") && e.contains("boom"), "{e}");
        assert_eq!(no_panic(|| Ok(3)), Ok(3));
    }
}
