//! Machine-readable CSV outputs: UTF-8 with a BOM (so Excel shows Chinese),
//! English snake_case headers, formula-like text neutralised.

use anyhow::Result;
use std::borrow::Cow;
use std::path::Path;

use super::atomic;

/// A cell that a spreadsheet would take for a formula gets a leading `'`.
/// A number such as `-150` is left alone. A cell that already starts with
/// `'` gets one more, so that [`restore`] can tell the two apart and every
/// text reads back as it was written.
pub fn neutralise(s: &str) -> Cow<'_, str> {
    if needs_mark(s) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// Whether [`neutralise`] puts a `'` before a text.
fn needs_mark(s: &str) -> bool {
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'@' | b'\t' | b'\r' | b'\'') => true,
        Some(b'-') => s.len() > 1 && !looks_numeric(&s[1..]),
        _ => false,
    }
}

/// Append a field to a CSV record held in `out`, neutralised and quoted
/// exactly as the csv crate's writer would (quotes only around a field that
/// holds a comma, a quote or a line break). `first` leaves out the comma.
#[inline]
pub fn push_field(out: &mut Vec<u8>, first: bool, s: &str) {
    if !first {
        out.push(b',');
    }
    let b = s.as_bytes();
    // Most fields neither look like a formula nor need quotes: copied as
    // they are.
    let plain = !may_neutralise(b) && !needs_quotes(b);
    if plain {
        out.extend_from_slice(b);
    } else {
        push_careful(out, s);
    }
}

/// Append fields, each after a comma, exactly as [`push_field`] would.
/// They are copied as they are and the stretch is checked once for what
/// would need quotes; the rare stretch that does (or has a field that may
/// look like a formula) is written again field by field.
pub fn push_fields(out: &mut Vec<u8>, fields: &[&str]) {
    let start = out.len();
    let len: usize = fields.iter().map(|f| f.len() + 1).sum();
    // Room for the fields and 16 bytes more, so that each short field is
    // copied in pieces of a fixed size.
    out.resize(start + len + 16, 0);
    let mut careful = false;
    let mut at = start;
    for f in fields {
        let b = f.as_bytes();
        careful |= may_neutralise(b);
        out[at] = b',';
        copy_short(&mut out[at + 1..], b);
        at += 1 + b.len();
    }
    out.truncate(at);
    if careful || specials(&out[start..]) != fields.len() {
        out.truncate(start);
        for f in fields {
            push_field(out, false, f);
        }
    }
}

/// Copy `src` to the start of `dst`, which has 16 bytes more room: a
/// field of up to 32 bytes (an ID number is 18) as two overlapping pieces
/// of a fixed size, not by a call to copy memory.
#[inline]
fn copy_short(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    match n {
        0 => {}
        1..=3 => {
            dst[0] = src[0];
            dst[n / 2] = src[n / 2];
            dst[n - 1] = src[n - 1];
        }
        4..=7 => {
            dst[..4].copy_from_slice(&src[..4]);
            dst[n - 4..n].copy_from_slice(&src[n - 4..]);
        }
        8..=16 => {
            dst[..8].copy_from_slice(&src[..8]);
            dst[n - 8..n].copy_from_slice(&src[n - 8..]);
        }
        17..=32 => {
            dst[..16].copy_from_slice(&src[..16]);
            dst[n - 16..n].copy_from_slice(&src[n - 16..]);
        }
        _ => dst[..n].copy_from_slice(src),
    }
}

/// How many commas, quotes and line breaks a text holds: counted 32 bytes
/// at a time, without stopping early, so that the count runs on vectors.
fn specials(b: &[u8]) -> usize {
    let is = |c: u8| (c == b',') | (c == b'"') | (c == b'\n') | (c == b'\r');
    let mut chunks = b.chunks_exact(32);
    let mut n = 0;
    for chunk in &mut chunks {
        let mut k = 0u8;
        for &c in chunk {
            k += is(c) as u8;
        }
        n += k as usize;
    }
    n + chunks.remainder().iter().filter(|&&c| is(c)).count()
}

/// Whether [`neutralise`] may change a field: it starts as a formula or a
/// `'` may ([`needs_mark`] decides).
fn may_neutralise(b: &[u8]) -> bool {
    matches!(
        b.first(),
        Some(b'=' | b'+' | b'@' | b'\t' | b'\r' | b'-' | b'\'')
    )
}

/// Whether a field holds a comma, a quote or a line break.
fn needs_quotes(b: &[u8]) -> bool {
    // `,` `"` `\n` `\r` are all below `-`.
    b.iter()
        .any(|&c| c <= b'-' && matches!(c, b',' | b'"' | b'\n' | b'\r'))
}

/// A field that may need a leading `'` or quotes.
fn push_careful(out: &mut Vec<u8>, s: &str) {
    let s = neutralise(s);
    let b = s.as_bytes();
    if !needs_quotes(b) {
        out.extend_from_slice(b);
        return;
    }
    out.push(b'"');
    for part in b.split_inclusive(|&c| c == b'"') {
        out.extend_from_slice(part);
        if part.last() == Some(&b'"') {
            out.push(b'"');
        }
    }
    out.push(b'"');
}

/// Undo [`neutralise`] when reading fupin's own CSV back: a leading `'`
/// goes only when [`neutralise`] would have put it before the rest.
pub fn restore(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if needs_mark(rest) => rest,
        _ => s,
    }
}

fn looks_numeric(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
}

/// Write a whole CSV file atomically: BOM, header, rows.
pub fn write_csv(
    path: &Path,
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> Result<()> {
    atomic::write_with(path, |f| {
        let mut buf = std::io::BufWriter::with_capacity(1 << 20, f);
        std::io::Write::write_all(&mut buf, b"\xEF\xBB\xBF")?;
        let mut w = csv::Writer::from_writer(buf);
        w.write_record(header)?;
        for r in rows {
            w.write_record(
                r.iter()
                    .map(|c| neutralise(c))
                    .collect::<Vec<_>>()
                    .iter()
                    .map(|c| c.as_ref()),
            )?;
        }
        w.flush()?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::Strategy;

    #[test]
    fn fields_as_the_csv_crate_writes_them() {
        let fields = [
            "",
            "张三",
            "a,b",
            "say \"hi\"",
            "\"",
            "line\nbreak",
            "cr\rx",
            "=1+1",
            "-150",
            "-x,\"y\"",
            "'q",
            " spaced ",
        ];
        let (ours, theirs) = both_ways(&fields);
        assert_eq!(ours, theirs);
    }

    /// A record written by `push_field`, and by the csv crate's writer.
    fn both_ways(fields: &[impl AsRef<str>]) -> (String, String) {
        let mut ours = Vec::new();
        for (i, f) in fields.iter().enumerate() {
            push_field(&mut ours, i == 0, f.as_ref());
        }
        ours.push(b'\n');
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(fields.iter().map(|f| neutralise(f.as_ref()).into_owned()))
            .unwrap(); // ok: test code, not built into fupin
        let theirs = w.into_inner().unwrap(); // ok: test code, not built into fupin
        (
            String::from_utf8(ours).unwrap(), // ok: test code, not built into fupin
            String::from_utf8(theirs).unwrap(), // ok: test code, not built into fupin
        )
    }

    /// Fields of `parts` pieces each, pieces that need quotes or look like
    /// formulas among them.
    fn fields(
        parts: std::ops::Range<usize>,
        n: std::ops::Range<usize>,
    ) -> impl Strategy<Value = Vec<String>> {
        let piece = proptest::sample::select(vec![
            "a", "中", ",", "\"", "\n", "\r", " ", "=", "-", "+", "@", "\t", "1", "'",
        ]);
        proptest::collection::vec(
            proptest::collection::vec(piece, parts).prop_map(|p| p.concat()),
            n,
        )
    }

    proptest::proptest! {
        #[test]
        fn any_fields_as_the_csv_crate_writes_them(fields in fields(0..6, 2..5)) {
            let (ours, theirs) = both_ways(&fields);
            proptest::prop_assert_eq!(ours, theirs);
        }
    }

    proptest::proptest! {
        #[test]
        fn a_stretch_of_fields_as_each_field_alone(fields in fields(0..12, 0..6)) {
            let mut alone = b"x".to_vec();
            for f in &fields {
                push_field(&mut alone, false, f);
            }
            let mut stretch = b"x".to_vec();
            push_fields(&mut stretch, &fields.iter().map(String::as_str).collect::<Vec<_>>());
            proptest::prop_assert_eq!(stretch, alone);
        }
    }

    #[test]
    fn neutralises_formulas_not_numbers() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("@sum"), "'@sum");
        assert_eq!(neutralise("-150"), "-150");
        assert_eq!(neutralise("-x"), "'-x");
        assert_eq!(neutralise("张三"), "张三");
        for s in ["=1+1", "-x", "@a", "+86", "'plain", "-150"] {
            assert_eq!(restore(&neutralise(s)), s);
        }
    }

    #[test]
    fn a_leading_quote_survives_neutralise_and_restore() {
        assert_eq!(neutralise("'+86"), "''+86");
        assert_eq!(neutralise("''"), "'''");
        assert_eq!(neutralise("'"), "''");
        for s in [
            "'+86", "''", "'", "'=1", "'-x", "'-150", "''=1", "'''", "'plain", "", "-", "+86",
            "'\t", "'@", "'中",
        ] {
            assert_eq!(restore(&neutralise(s)), s, "{s:?}");
        }
        // A text fupin did not mark keeps its `'`, unless fupin would have
        // put it there.
        assert_eq!(restore("'plain"), "'plain");
        assert_eq!(restore("'-150"), "'-150");
        assert_eq!(restore("''+86"), "'+86");
    }

    proptest::proptest! {
        #[test]
        fn restore_undoes_neutralise_for_every_text(s in "(?s).*") {
            let marked = neutralise(&s);
            proptest::prop_assert_eq!(restore(&marked), s.as_str());
        }

        #[test]
        fn restore_undoes_neutralise_for_texts_of_marks(fields in fields(0..8, 1..2)) {
            let s = &fields[0];
            let marked = neutralise(s);
            proptest::prop_assert_eq!(restore(&marked), s.as_str());
        }
    }
}
