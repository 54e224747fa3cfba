//! `.xls` workbooks: the OLE compound file and the BIFF records of its
//! sheets.

use std::collections::HashMap;

use super::super::{MAX_GRID_CELLS, MAX_GRID_TEXT_BYTES};
use super::zipped::{grid_message, le16, le32};

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
pub(crate) fn xls(bytes: &[u8]) -> Result<(), String> {
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
}
