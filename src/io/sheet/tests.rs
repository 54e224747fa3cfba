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
}
