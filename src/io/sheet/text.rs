//! CSV text: UTF-8 (with or without a BOM) read in place, GB18030/GBK
//! decoded first (DESIGN 4), split into rows within the limits of
//! [`super`].

use std::borrow::Cow;

use crate::domain::register::Span;

use super::{
    long_cell, too_long, too_much_text, trimmed_at, Cell, Encoding, Row, MAX_CELLS, MAX_CELL_CHARS,
    MAX_COLS, MAX_TEXT_BYTES,
};

/// The rows of a CSV file (the first `max_rows` of them). UTF-8 is read in
/// place, its validity checked cell by cell; other text is decoded first.
pub(super) fn read_csv(
    bytes: &[u8],
    forced: Option<Encoding>,
    max_rows: usize,
) -> Result<Vec<Row>, String> {
    if let Some(body) = maybe_utf8(bytes, forced) {
        match parse_csv(body, max_rows) {
            Err(CsvError::NotUtf8) => {}
            other => return other.map_err(CsvError::message),
        }
    }
    let text = decode(bytes, forced)?;
    parse_csv(text.as_bytes(), max_rows).map_err(CsvError::message)
}

pub enum CsvError {
    /// A cell is not UTF-8 text: the file is in another encoding.
    NotUtf8,
    Other(String),
}

impl CsvError {
    fn message(self) -> String {
        match self {
            CsvError::NotUtf8 => "the file is not UTF-8 text".into(),
            CsvError::Other(m) => m,
        }
    }
}

/// BOM → strict UTF-8 → strict GB18030 → refuse (DESIGN 4).
pub fn decode(bytes: &[u8], forced: Option<Encoding>) -> Result<Cow<'_, str>, String> {
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
                format!("{utf8_err}, nor GB18030/GBK text{}; save it as CSV UTF-8, or name the encoding with --encoding", gb18030_error_at(bytes))
            })
        }),
    }
}

fn utf8(bytes: &[u8]) -> Result<Cow<'_, str>, String> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(Cow::Borrowed(s)),
        Err(e) => Err(format!(
            "the file is not UTF-8 text (line {}, byte {})",
            line_of(bytes, e.valid_up_to()),
            e.valid_up_to() + 1
        )),
    }
}

fn gb18030(bytes: &[u8]) -> Result<Cow<'_, str>, String> {
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .ok_or_else(|| {
            format!(
                "the file is not GB18030/GBK text{}",
                gb18030_error_at(bytes)
            )
        })
}

/// Where strict GB18030 decoding first fails, as ` (line L, byte B)`.
fn gb18030_error_at(bytes: &[u8]) -> String {
    let mut d = encoding_rs::GB18030.new_decoder_without_bom_handling();
    let Some(cap) = d.max_utf8_buffer_length_without_replacement(bytes.len()) else {
        return String::new();
    };
    let mut out = String::with_capacity(cap);
    match d.decode_to_string_without_replacement(bytes, &mut out, true) {
        (encoding_rs::DecoderResult::Malformed(bad, after), read) => {
            let at = read.saturating_sub(bad as usize + after as usize);
            format!(" (line {}, byte {})", line_of(bytes, at), at + 1)
        }
        _ => String::new(),
    }
}

fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn parse_csv(bytes: &[u8], max_rows: usize) -> Result<Vec<Row>, CsvError> {
    let mut records = Records::new(bytes)?;
    let mut rows = Vec::with_capacity((bytes.len() / 100 + 1).min(max_rows));
    while rows.len() < max_rows {
        match records.next_row()? {
            Some(row) => rows.push(row),
            None => break,
        }
    }
    Ok(rows)
}

/// The rows of UTF-8 CSV text (without its BOM), one at a time, within
/// the limits of [`super`]. For a file read as it is checked.
pub struct Records<'a> {
    bytes: &'a [u8],
    /// The whole text, when it is known to be UTF-8: then a record need
    /// not be checked again.
    valid: Option<&'a str>,
    /// Built for the first record with quotes (building it takes longer
    /// than splitting a small file without).
    rdr: Option<csv_core::Reader>,
    at: usize,
    /// Line feeds in `bytes[..at]`.
    breaks: u64,
    field_bytes: Vec<u8>,
    ends: Vec<usize>,
    /// The cells of the last record: where each lies in its text, trimmed.
    spans: Vec<Span>,
    cells_total: u64,
    text_total: u64,
}

/// A record as read: its line, its text, and where each of its cells lies
/// in that text, trimmed.
pub struct View<'r> {
    pub line: u64,
    pub text: &'r str,
    pub spans: &'r [Span],
}

impl View<'_> {
    /// The `i`-th cell.
    pub fn cell(&self, i: usize) -> &str {
        self.spans
            .get(i)
            .and_then(|&(from, to)| self.text.get(from as usize..to as usize))
            .unwrap_or("")
    }
}

impl<'a> Records<'a> {
    /// Refused when the text holds NUL bytes: then it is not text.
    pub fn new(bytes: &'a [u8]) -> Result<Records<'a>, CsvError> {
        // The position is wanted only for the message.
        if let Some(at) = memchr::memchr(0, bytes) {
            let line = line_of(bytes, at);
            return Err(CsvError::Other(format!(
                "the file holds NUL bytes (line {line}); it is not a text CSV file"
            )));
        }
        // The text is split as the csv crate's reader would, without
        // copying it into a reader's buffer first.
        Ok(Records {
            bytes,
            valid: None,
            rdr: None,
            at: 0,
            breaks: 0,
            field_bytes: vec![0u8; 4096],
            ends: vec![0usize; 64],
            spans: Vec::with_capacity(64),
            cells_total: 0,
            text_total: 0,
        })
    }

    /// The next row, `None` at the end of the text.
    pub fn next_row(&mut self) -> Result<Option<Row>, CsvError> {
        Ok(self.next_view()?.map(|v| Row {
            line: v.line,
            cells: (0..v.spans.len()).map(|i| Cell::from(v.cell(i))).collect(),
        }))
    }

    /// The next record, its cells not yet copied; `None` at the end of the
    /// text.
    pub fn next_view(&mut self) -> Result<Option<View<'_>>, CsvError> {
        let fail = |m: String| Err(CsvError::Other(m));
        // Line breaks before the record (the `\n` of a CRLF, blank lines)
        // are passed over, as the csv crate does.
        let rest = &self.bytes[self.at..];
        let skip = rest
            .iter()
            .take_while(|&&b| b == b'\n' || b == b'\r')
            .count();
        self.breaks += memchr::memchr_iter(b'\n', &rest[..skip]).count() as u64;
        self.at += skip;
        let line = self.breaks + 1;
        let rest = &self.bytes[self.at..];
        if rest.is_empty() {
            return Ok(None);
        }
        // A record without quotes ends at the first line break and its
        // cells are what lies between commas: split here, in place. A
        // record with quotes is split by csv_core.
        let end = memchr::memchr2(b'\n', b'\r', rest).unwrap_or(rest.len());
        let record = &rest[..end];
        let plain = memchr::memchr(b'"', record).is_none();
        let start = self.at;
        let (n_ends, n_out) = if plain {
            self.at += end;
            (0, 0)
        } else {
            match self.next_record() {
                Some(n) => (n.1, n.0),
                None => return Ok(None),
            }
        };
        let too_many = |n: usize| {
            Err(CsvError::Other(format!(
                "line {line} has {n} columns, more than the {MAX_COLS} fupin accepts"
            )))
        };
        if n_ends > MAX_COLS {
            return too_many(n_ends);
        }
        // The record's text is valid and every cell starts and ends on a
        // character (the separators are ASCII): then every cell is valid.
        // A record starts and ends at a line break or an end of the text,
        // so on characters of a text known to be UTF-8.
        let text = match (plain, self.valid) {
            (true, Some(valid)) => valid.get(start..start + end),
            (true, None) => simdutf8::basic::from_utf8(record).ok(),
            (false, _) => simdutf8::basic::from_utf8(&self.field_bytes[..n_out]).ok(),
        };
        let text = text.ok_or(CsvError::NotUtf8)?;
        let spans = &mut self.spans;
        spans.clear();
        // Whether a cell may be too long, told once the record is split.
        let mut long = false;
        let mut push = |from: usize, to: usize| {
            if spans.len() == MAX_COLS {
                return Err(());
            }
            long |= to - from > MAX_CELL_CHARS;
            spans.push(trimmed_at(text, from, to));
            Ok(())
        };
        let mut from = 0;
        let split = if plain {
            for_each_comma(text.as_bytes(), |i| {
                push(from, i)?;
                from = i + 1;
                Ok(())
            })
            .and_then(|()| push(from, text.len()))
        } else {
            self.ends[..n_ends].iter().try_for_each(|&end| {
                push(from, end)?;
                from = end;
                Ok(())
            })
        };
        if split.is_err() {
            return too_many(memchr::memchr_iter(b',', record).count() + 1);
        }
        let n_ends = spans.len();
        let n_out = if plain {
            text.len() + 1 - n_ends
        } else {
            n_out
        };
        if long {
            let ends = (!plain).then(|| &self.ends[..n_ends]);
            if let Some((i, n)) = first_long_cell(text, &self.spans, ends) {
                return fail(format!("line {line}, column {i}: {}", too_long(n)));
            }
        }
        self.cells_total += n_ends as u64;
        if self.cells_total > MAX_CELLS {
            return fail(format!(
                "the file holds more than {MAX_CELLS} cells; split it by village"
            ));
        }
        self.text_total += n_out as u64;
        if self.text_total > MAX_TEXT_BYTES {
            return fail(too_much_text(line));
        }
        Ok(Some(View {
            line,
            text,
            spans: &self.spans,
        }))
    }

    /// The next record, split by csv_core: how many bytes of `field_bytes`
    /// and entries of `ends` its fields fill (the buffers grow as needed).
    /// `None` at the end of the text.
    fn next_record(&mut self) -> Option<(usize, usize)> {
        use csv_core::ReadRecordResult as R;
        let (mut n_out, mut n_ends) = (0, 0);
        let rdr = self
            .rdr
            .get_or_insert_with(|| csv_core::ReaderBuilder::new().build());
        loop {
            let (res, nin, nout, nend) = rdr.read_record(
                &self.bytes[self.at..],
                &mut self.field_bytes[n_out..],
                &mut self.ends[n_ends..],
            );
            self.breaks +=
                memchr::memchr_iter(b'\n', &self.bytes[self.at..self.at + nin]).count() as u64;
            self.at += nin;
            n_out += nout;
            n_ends += nend;
            match res {
                R::InputEmpty => {}
                R::OutputFull => self.field_bytes.resize(self.field_bytes.len() * 2, 0),
                R::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                R::Record => return Some((n_out, n_ends)),
                R::End => return None,
            }
        }
    }
}

/// The first cell of a record that is too long: its column (from 1) and
/// length in characters. The cells as written run from one separator to
/// the next: the commas of `text` (a record without quotes), or `ends`.
fn first_long_cell(text: &str, spans: &[Span], ends: Option<&[usize]>) -> Option<(usize, usize)> {
    let mut from = 0;
    for (i, &(_, trimmed_to)) in spans.iter().enumerate() {
        let to = match ends {
            Some(ends) => ends.get(i).copied().unwrap_or(text.len()),
            None => text
                .as_bytes()
                .get(trimmed_to as usize..)
                .and_then(|rest| memchr::memchr(b',', rest))
                .map_or(text.len(), |c| trimmed_to as usize + c),
        };
        if let Some((_, n)) = long_cell([text.get(from..to).unwrap_or("")]) {
            return Some((i + 1, n));
        }
        from = to + usize::from(ends.is_none());
    }
    None
}

/// Call `each` with the position of every comma of `b`, in order. Eight
/// bytes are tested at a time: a byte is a comma when it is zero after an
/// exclusive or with commas, which the high bit of each byte of
/// `!(((v & 0x7F…) + 0x7F…) | v) & 0x80…` tells exactly.
fn for_each_comma<E>(b: &[u8], mut each: impl FnMut(usize) -> Result<(), E>) -> Result<(), E> {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const COMMAS: u64 = 0x2C2C_2C2C_2C2C_2C2C;
    let mut chunks = b.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let v = u64::from_le_bytes(word) ^ COMMAS;
        let mut zero = !(((v & LOW7).wrapping_add(LOW7)) | v) & !LOW7;
        while zero != 0 {
            each(base + (zero.trailing_zeros() / 8) as usize)?;
            zero &= zero - 1;
        }
        base += 8;
    }
    for (i, &c) in chunks.remainder().iter().enumerate() {
        if c == b',' {
            each(base + i)?;
        }
    }
    Ok(())
}

/// The rows of a CSV file as they are read, when it is UTF-8 text (with
/// or without a BOM) that no `--encoding` says is something else; `None`
/// for any other text, read whole by [`read_csv`] instead.
pub fn utf8_records(bytes: &[u8], forced: Option<Encoding>) -> Option<Records<'_>> {
    // Checked whole at once (faster than record by record).
    let text = simdutf8::basic::from_utf8(maybe_utf8(bytes, forced)?).ok()?;
    let mut records = Records::new(text.as_bytes()).ok()?;
    records.valid = Some(text);
    Some(records)
}

/// The text after a UTF-8 BOM, if any, unless the file is marked UTF-16 or
/// `--encoding` names GB18030: what is worth reading as UTF-8 first.
fn maybe_utf8(bytes: &[u8], forced: Option<Encoding>) -> Option<&[u8]> {
    let other = forced == Some(Encoding::Gb18030)
        || bytes.starts_with(b"\xFF\xFE")
        || bytes.starts_with(b"\xFE\xFF");
    (!other).then(|| bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
}

#[cfg(test)]
mod tests {
    proptest::proptest! {
        /// The commas found eight bytes at a time are those a byte scan finds.
        #[test]
        fn commas_as_a_byte_scan_finds_them(b in proptest::collection::vec(
            proptest::sample::select(vec![b',', b'a', 0xAC, 0x2B, 0x2D, 0x00, 0xFF, 0x80]),
            0..40,
        )) {
            let mut found = Vec::new();
            super::for_each_comma(&b, |i| {
                found.push(i);
                Ok::<(), ()>(())
            })
            .ok();
            let want: Vec<usize> = (0..b.len()).filter(|&i| b[i] == b',').collect();
            proptest::prop_assert_eq!(found, want);
        }
    }
}
