//! CSV text: UTF-8 (with or without a BOM) read in place, GB18030/GBK
//! decoded first (DESIGN 4), split into rows within the limits of
//! [`super`].

use std::borrow::Cow;

use super::{
    clean, long_cell, too_long, too_much_text, Encoding, Row, MAX_CELLS, MAX_COLS, MAX_TEXT_BYTES,
};

/// The rows of a CSV file (the first `max_rows` of them). UTF-8 is read in
/// place, its validity checked cell by cell; other text is decoded first.
pub(super) fn read_csv(
    bytes: &[u8],
    forced: Option<Encoding>,
    max_rows: usize,
) -> Result<Vec<Row>, String> {
    if forced != Some(Encoding::Gb18030)
        && !bytes.starts_with(b"\xFF\xFE")
        && !bytes.starts_with(b"\xFE\xFF")
    {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match parse_csv(body, max_rows) {
            Err(CsvError::NotUtf8) => {}
            other => return other.map_err(CsvError::message),
        }
    }
    let text = decode(bytes, forced)?;
    parse_csv(text.as_bytes(), max_rows).map_err(CsvError::message)
}

enum CsvError {
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
    // `contains` scans with SIMD; the position is wanted only for the message.
    if let Some(at) = bytes
        .contains(&0)
        .then(|| bytes.iter().position(|&b| b == 0))
        .flatten()
    {
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        return Err(CsvError::Other(format!(
            "the file holds NUL bytes (line {line}); it is not a text CSV file"
        )));
    }
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut rows = Vec::new();
    let mut rec = csv::ByteRecord::new();
    let (mut cells_total, mut text_total) = (0u64, 0u64);
    let (mut counted_to, mut newlines) = (0usize, 0u64);
    let fail = |m: String| Err(CsvError::Other(m));
    while rows.len() < max_rows {
        match rdr.read_byte_record(&mut rec) {
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
                    return fail(format!(
                        "line {line} has {} columns, more than the {MAX_COLS} fupin accepts",
                        rec.len()
                    ));
                }
                // The record's text is valid and every cell starts and ends
                // on a character: then every cell is valid.
                let all = std::str::from_utf8(rec.as_slice()).map_err(|_| CsvError::NotUtf8)?;
                let mut cells = Vec::with_capacity(rec.len());
                for i in 0..rec.len() {
                    let text = rec
                        .range(i)
                        .and_then(|r| all.get(r))
                        .ok_or(CsvError::NotUtf8)?;
                    if let Some((_, n)) = long_cell([text]) {
                        return fail(format!("line {line}, column {}: {}", i + 1, too_long(n)));
                    }
                    cells.push(clean(text));
                }
                cells_total += rec.len() as u64;
                if cells_total > MAX_CELLS {
                    return fail(format!(
                        "the file holds more than {MAX_CELLS} cells; split it by village"
                    ));
                }
                text_total += rec.as_slice().len() as u64;
                if text_total > MAX_TEXT_BYTES {
                    return fail(too_much_text(line));
                }
                rows.push(Row { line, cells });
            }
            Err(e) => {
                let line = e
                    .position()
                    .map(|p| p.line())
                    .unwrap_or(rdr.position().line());
                return fail(format!("line {line}: the CSV cannot be read ({e})"));
            }
        }
    }
    Ok(rows)
}
