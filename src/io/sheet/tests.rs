use super::*;

#[test]
fn detects_encodings() {
    assert_eq!(decode("\u{feff}村,户".as_bytes(), None).unwrap(), "村,户"); // ok: test code, not built into fupin
    let (gb, _, _) = encoding_rs::GB18030.encode("村,户编号");
    assert_eq!(decode(&gb, None).unwrap(), "村,户编号"); // ok: test code, not built into fupin
    let e = decode(b"a,b\n\x80\xff\xff", None).unwrap_err(); // ok: test code, not built into fupin
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
    assert!(read_bytes(b"", None).unwrap_err().contains("empty")); // ok: test code, not built into fupin
    assert!(read_bytes(b"a,b\n\0", None).unwrap_err().contains("NUL")); // ok: test code, not built into fupin
}

#[test]
fn column_names_and_long_cells() {
    assert_eq!(column_name(1), "A");
    assert_eq!(column_name(26), "Z");
    assert_eq!(column_name(27), "AA");
    assert_eq!(column_name(512), "SR");
    assert_eq!(column_name(16384), "XFD");
    let long = "村".repeat(MAX_CELL_CHARS + 1);
    assert_eq!(
        long_cell(["a", long.as_str()]),
        Some((2, MAX_CELL_CHARS + 1))
    );
    // Counted in characters, not bytes.
    let ok = "村".repeat(MAX_CELL_CHARS);
    assert_eq!(long_cell([ok.as_str()]), None);
    let csv = format!("a,b\n1,{long}\n");
    let e = read_bytes(csv.as_bytes(), None).unwrap_err(); // ok: test code, not built into fupin
    assert!(e.contains("line 2, column 2") && e.contains("32767"), "{e}");
}

/// What a CSV record may not be, with or without quotes, read whole or
/// record by record: too many columns (told before a long cell), a cell
/// too long (its spaces counted, after other cells).
#[test]
fn csv_records_too_wide_or_too_long() {
    let long = format!(" {} ", "村".repeat(MAX_CELL_CHARS - 1));
    let wide = vec!["x"; MAX_COLS + 1].join(",");
    let cases = [
        (format!("a,b\n{wide}\n"), "line 2 has 513 columns"),
        (format!("a,b\n\"q\",{wide}\n"), "line 2 has 514 columns"),
        (format!("a,b\n{long},{wide}\n"), "line 2 has 514 columns"),
        (format!("a,b,c\n1,2,{long}\n"), "line 2, column 3: "),
        (format!("a,b,c\n1,\"2\",{long}\n"), "line 2, column 3: "),
        (format!("a,b,c\n\n1,{long},3\n"), "line 3, column 2: "),
    ];
    for (csv, want) in cases {
        let e = read_bytes(csv.as_bytes(), None).unwrap_err(); // ok: test code, not built into fupin
        assert!(e.contains(want), "{want}: {e}");
        let mut records = utf8_records(csv.as_bytes(), None).unwrap(); // ok: test code, not built into fupin
        let e = loop {
            match records.next_view() {
                Ok(Some(_)) => continue,
                Ok(None) => panic!("{want}: no error"), // ok: test code, not built into fupin
                Err(CsvError::Other(e)) => break e,
                Err(CsvError::NotUtf8) => panic!("{want}: not UTF-8"), // ok: test code, not built into fupin
            }
        };
        assert!(e.contains(want), "{want}: {e}");
    }
    // Just within: the cell's spaces and characters make the limit.
    let ok = format!("a,b\n1, {} \n", "村".repeat(MAX_CELL_CHARS - 2));
    assert!(read_bytes(ok.as_bytes(), None).is_ok());
}

#[test]
fn csv_line_numbers() {
    for text in [
        "\u{feff}h1,h2\n1,2\n\"x\ny\",3\n4,5\n",
        "h1,h2\r\n1,2\r\n\"x\r\ny\",3\r\n4,5\r\n",
    ] {
        let s = read_bytes(text.as_bytes(), None).unwrap(); // ok: test code, not built into fupin
        let lines: Vec<u64> = s[0].rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![1, 2, 3, 5], "{text:?}");
    }
    let s = read_bytes(b"h1,h2\n\n1,2\r\n\r\n\n3,4", None).unwrap(); // ok: test code, not built into fupin
    let lines: Vec<u64> = s[0].rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![1, 3, 6]);
}

proptest::proptest! {
    /// The cells are the csv crate's fields, trimmed, on any text; each row
    /// on the line of its first character (the csv crate's record starts
    /// before the blank lines above it).
    #[test]
    fn csv_cells_are_the_csv_crates_fields(
        parts in proptest::collection::vec(
            proptest::sample::select(vec!["a", "中", ",", "\"", "\n", "\r", " ", "\u{3000}", "-1"]),
            0..60,
        )
    ) {
        let text = format!("h{}", parts.concat());
        let mut want: Vec<(u64, Vec<String>)> = Vec::new();
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        for rec in rdr.records() {
            let rec = rec.unwrap(); // ok: test code, not built into fupin
            let at = rec.position().map_or(0, |p| p.byte() as usize);
            let first = at + text.as_bytes()[at..]
                .iter()
                .take_while(|&&b| b == b'\n' || b == b'\r')
                .count();
            let line = 1 + text.as_bytes()[..first].iter().filter(|&&b| b == b'\n').count() as u64;
            want.push((line, rec.iter().map(|c| c.trim().to_string()).collect()));
        }
        let got: Vec<(u64, Vec<String>)> = read_bytes(text.as_bytes(), None)
            .unwrap() // ok: test code, not built into fupin
            .remove(0)
            .rows
            .iter()
            .map(|r| (r.line, r.strings()))
            .collect();
        proptest::prop_assert_eq!(got, want);
    }
}

#[test]
fn clean_trims_as_str_trim() {
    let edges = [
        "", " ", "\u{3000}", "\u{a0}", "\u{2003}", "\t", "a", "中", "1", "é", "\u{85}", "ー",
    ];
    for a in edges {
        for mid in ["", "x", "张三", " 5 "] {
            for z in edges {
                let s = format!("{a}{mid}{z}");
                assert_eq!(clean(&s).as_str(), s.trim(), "{s:?}");
            }
        }
    }
}

/// A number of 16 digits or more lost digits when it was typed: it is
/// written as Excel shows it, so that the ID check knows it was a number.
#[test]
fn a_long_number_cell_is_written_as_excel_shows_it() {
    assert_eq!(number_text(370983196609020126.0), "3.709831966090201E+17");
    assert_eq!(number_text(1e15), "1E+15");
    assert_eq!(number_text(-1234567890123456.0), "-1.234567890123456E+15");
    // Up to 15 digits a number is exact: a legacy ID, a phone number.
    assert_eq!(number_text(370124650505010.0), "370124650505010");
    assert_eq!(number_text(13953174208.0), "13953174208");
    assert_eq!(number_text(3200.5), "3200.5");
    assert_eq!(number_text(8.0), "8");
    assert_eq!(
        data_text(&Data::Float(370983196609020126.0)),
        "3.709831966090201E+17"
    );
}
