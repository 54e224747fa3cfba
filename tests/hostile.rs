//! Hostile workbooks are refused, not obeyed (DESIGN 6): zip bombs, absurd
//! declared dimensions, truncated and corrupt files, giant CSV lines and
//! rows, NUL bytes and bad encodings. Each file is imported alone by the real
//! binary under a 3 GB address-space cap and a 60 s guard: the run must end
//! with status 1 or 2 (never a panic's 101 or a signal), name the file, say
//! what is wrong, and write no register.
//!
//! The big files are generated here at run time, streamed to disk, never
//! held in memory.

mod harness;

use harness::{fixture, Town};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// What one capped run did.
struct Outcome {
    code: Option<i32>,
    stderr: String,
    secs: f64,
}

/// `fupin -C town import` under `ulimit -v 3000000` (3 GB of address space),
/// killed after 60 s.
fn import_capped(t: &Town) -> Outcome {
    let err_path = t.path().join("stderr.txt");
    let err = File::create(&err_path).unwrap();
    let start = Instant::now();
    let mut child = Command::new("bash")
        .arg("-c")
        .arg("ulimit -v 3000000; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_fupin"))
        .arg("-C")
        .arg(t.path())
        .arg("import")
        .stdout(Stdio::null())
        .stderr(Stdio::from(err))
        .spawn()
        .unwrap();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            let text = std::fs::read_to_string(&err_path).unwrap_or_default();
            panic!("fupin import did not finish in 60 s; stderr so far:\n{text}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let raw = std::fs::read(&err_path).unwrap();
    let stderr = String::from_utf8_lossy(&raw[..raw.len().min(20_000)]).into_owned();
    Outcome {
        code: status.code(),
        stderr,
        secs: start.elapsed().as_secs_f64(),
    }
}

/// A bare town whose `applications/` holds only `name`, made by `make`.
fn town_with(name: &str, make: impl FnOnce(&Path)) -> Town {
    let t = Town::bare();
    make(&t.path().join("applications").join(name));
    t
}

/// Import the town's one file and insist that it is refused: status 1 or 2,
/// the file named on stderr next to a message holding every word of
/// `words`, no register.
fn refused(name: &str, make: impl FnOnce(&Path), words: &[&str]) -> String {
    let t = town_with(name, make);
    let o = import_capped(&t);
    let code = o.code.unwrap_or_else(|| {
        panic!(
            "{name}: fupin was killed by a signal after {:.1} s (memory?):\n{}",
            o.secs, o.stderr
        )
    });
    assert!(
        code == 1 || code == 2,
        "{name}: exit {code} after {:.1} s:\n{}",
        o.secs,
        o.stderr
    );
    let line = o
        .stderr
        .lines()
        .find(|l| l.contains(&format!("applications/{name}:")))
        .unwrap_or_else(|| panic!("{name}: the file is not named:\n{}", o.stderr));
    for w in words {
        assert!(line.contains(w), "{name}: {w:?} not in {line:?}");
    }
    assert!(!line.contains("panicked"), "{name}: {line}");
    assert!(
        !t.exists("out/register.csv"),
        "{name}: a register was written"
    );
    eprintln!("{name}: exit {code} in {:.1} s: {}", o.secs, line.trim());
    line.to_string()
}

// ---------------------------------------------------------------------------
// Building workbooks

const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

fn deflated() -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(6))
}

fn stored() -> SimpleFileOptions {
    SimpleFileOptions::default().compression_method(CompressionMethod::Stored)
}

/// Writes the body of a zip entry.
type Body = Box<dyn FnOnce(&mut dyn Write)>;

/// An .xlsx with one sheet `Sheet1`: every part but the sheet XML and the
/// shared strings, which `sheet` and `strings` write into the open entry.
fn xlsx(path: &Path, sheet: impl FnOnce(&mut dyn Write), strings: Option<Body>) {
    let mut z = ZipWriter::new(BufWriter::new(File::create(path).unwrap()));
    let o = deflated();
    z.start_file("[Content_Types].xml", o).unwrap();
    z.write_all(
        br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#,
    )
    .unwrap();
    z.start_file("_rels/.rels", o).unwrap();
    z.write_all(
        br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    )
    .unwrap();
    z.start_file("xl/workbook.xml", o).unwrap();
    write!(
        z,
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="{MAIN_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#
    )
    .unwrap();
    z.start_file("xl/_rels/workbook.xml.rels", o).unwrap();
    z.write_all(
        br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#,
    )
    .unwrap();
    if let Some(strings) = strings {
        z.start_file("xl/sharedStrings.xml", o).unwrap();
        strings(&mut z);
    }
    z.start_file("xl/worksheets/sheet1.xml", o).unwrap();
    sheet(&mut z);
    z.finish().unwrap().flush().unwrap();
}

/// A sheet XML with the given dimension and rows.
fn sheet_xml(w: &mut dyn Write, dimension: &str, rows: &str) {
    write!(
        w,
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{MAIN_NS}"><dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>"#
    )
    .unwrap();
}

/// An inline-string cell.
fn is(r: &str, text: &str) -> String {
    format!(r#"<c r="{r}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// Write `unit` repeatedly, `total` bytes in all (rounded down to whole
/// units), in 1 MB pieces.
fn repeat(w: &mut dyn Write, unit: &[u8], total: u64) {
    let per = (1 << 20) / unit.len();
    let chunk: Vec<u8> = unit.repeat(per);
    let mut left = total / unit.len() as u64;
    while left > 0 {
        let n = left.min(per as u64) as usize;
        w.write_all(&chunk[..n * unit.len()]).unwrap();
        left -= n as u64;
    }
}

const GB2: u64 = 2_000 * 1024 * 1024;
const GB1_1: u64 = 1_100 * 1024 * 1024;

/// An .ods with the given `content.xml` body (inside `<table:table>`).
fn ods(path: &Path, table: &str) {
    let mut z = ZipWriter::new(BufWriter::new(File::create(path).unwrap()));
    z.start_file("mimetype", stored()).unwrap();
    z.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    z.start_file("META-INF/manifest.xml", deflated()).unwrap();
    z.write_all(
        br#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#,
    )
    .unwrap();
    z.start_file("content.xml", deflated()).unwrap();
    write!(
        z,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Sheet1">{table}</table:table></office:spreadsheet></office:body></office:document-content>"#
    )
    .unwrap();
    z.finish().unwrap().flush().unwrap();
}

fn ods_text(t: &str) -> String {
    format!(
        r#"<table:table-cell office:value-type="string"><text:p>{t}</text:p></table:table-cell>"#
    )
}

/// Deterministic garbage.
fn noise(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Zip bombs

#[test]
fn a_sheet_that_decompresses_to_2_gb_is_refused() {
    let line = refused(
        "bomb-sheet.xlsx",
        |p| {
            xlsx(
                p,
                |w| {
                    write!(
                        w,
                        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN_NS}"><sheetData>"#
                    )
                    .unwrap();
                    repeat(w, b"<row/>", GB2);
                    w.write_all(b"</sheetData></worksheet>").unwrap();
                },
                None,
            );
            assert!(std::fs::metadata(p).unwrap().len() < 20 << 20);
        },
        &["decompress", "MB", "more than"],
    );
    assert!(
        line.contains("2000 MB") || line.contains("2,000 MB") || line.contains("times"),
        "{line}"
    );
}

#[test]
fn a_part_compressed_too_well_is_refused() {
    // 100 MB, under the total limit, compressed 228 times: no real sheet
    // compresses so well.
    refused(
        "bomb-ratio.xlsx",
        |p| {
            xlsx(
                p,
                |w| {
                    write!(
                        w,
                        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN_NS}"><sheetData>"#
                    )
                    .unwrap();
                    repeat(w, b"<row/>", 100 << 20);
                    w.write_all(b"</sheetData></worksheet>").unwrap();
                },
                None,
            )
        },
        &[
            "xl/worksheets/sheet1.xml",
            "100 MB",
            "times its stored size",
            "200 times",
        ],
    );
}

#[test]
fn shared_strings_of_1_gb_are_refused() {
    refused(
        "bomb-strings.xlsx",
        |p| {
            xlsx(
                p,
                |w| sheet_xml(w, "A1", r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#),
                Some(Box::new(|w: &mut dyn Write| {
                    write!(
                        w,
                        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="{MAIN_NS}" count="1" uniqueCount="1">"#
                    )
                    .unwrap();
                    repeat(w, b"<si><t>x</t></si>", GB1_1);
                    w.write_all(b"</sst>").unwrap();
                })),
            )
        },
        &["decompress", "MB", "more than"],
    );
}

#[test]
fn an_absurd_count_of_shared_strings_is_refused() {
    // A few hundred bytes that ask the reader to reserve 2.4 TB.
    refused(
        "sst-count.xlsx",
        |p| {
            xlsx(
                p,
                |w| sheet_xml(w, "A1", r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#),
                Some(Box::new(|w: &mut dyn Write| {
                    write!(
                        w,
                        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="{MAIN_NS}" count="1" uniqueCount="100000000000"><si><t>村</t></si></sst>"#
                    )
                    .unwrap();
                })),
            )
        },
        &["shared strings", "100000000000"],
    );
}

#[test]
fn one_long_shared_string_in_many_cells_is_refused() {
    // 60 KB of shared string, 40,000 cells that refer to it: 3.6 GB of
    // text from a file of a few kilobytes.
    refused(
        "amplified.xlsx",
        |p| {
            xlsx(
                p,
                |w| {
                    write!(
                        w,
                        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN_NS}"><dimension ref="A1:T2000"/><sheetData>"#
                    )
                    .unwrap();
                    for r in 1..=2000 {
                        write!(w, r#"<row r="{r}">"#).unwrap();
                        for c in 0..20u8 {
                            let col = char::from(b'A' + c);
                            write!(w, r#"<c r="{col}{r}" t="s"><v>0</v></c>"#).unwrap();
                        }
                        w.write_all(b"</row>").unwrap();
                    }
                    w.write_all(b"</sheetData></worksheet>").unwrap();
                },
                Some(Box::new(|w: &mut dyn Write| {
                    write!(
                        w,
                        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="{MAIN_NS}" count="40000" uniqueCount="1"><si><t>{}</t></si></sst>"#,
                        "村".repeat(30_000)
                    )
                    .unwrap();
                })),
            )
        },
        &["256 MB of text", "split it"],
    );
}

#[test]
fn a_zip_of_many_entries_is_refused() {
    refused(
        "many-entries.xlsx",
        |p| {
            let mut z = ZipWriter::new(BufWriter::new(File::create(p).unwrap()));
            for i in 0..70_000 {
                z.start_file(format!("x/{i}"), stored()).unwrap();
            }
            z.finish().unwrap().flush().unwrap();
        },
        &["70000 entries"],
    );
}

// ---------------------------------------------------------------------------
// Declared dimensions

#[test]
fn a_sheet_declaring_the_whole_grid_is_refused() {
    refused(
        "dimension.xlsx",
        |p| {
            xlsx(
                p,
                |w| {
                    sheet_xml(
                        w,
                        "A1:XFD1048576",
                        &format!(
                            r#"<row r="1">{}{}</row>"#,
                            is("A1", "村"),
                            is("B1", "户编号")
                        ),
                    )
                },
                None,
            )
        },
        &["A1:XFD1048576", "16384 columns"],
    );
}

#[test]
fn an_ods_spanning_the_whole_grid_is_refused() {
    // A value in A1 and one in column 16384 six thousand rows down: the
    // reader would build a grid of 98 million cells (3 GB).
    let table = format!(
        r#"<table:table-row>{}</table:table-row><table:table-row table:number-rows-repeated="6000"><table:table-cell table:number-columns-repeated="16384"/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="16383"/>{}</table:table-row>"#,
        ods_text("村"),
        ods_text("户编号")
    );
    refused(
        "dimension.ods",
        |p| ods(p, &table),
        &["sheet Sheet1", "cells", "more than"],
    );
}

#[test]
fn an_ods_with_repeated_long_text_is_refused() {
    // One 30,000-character cell repeated across 16,384 columns and 64 rows.
    let table = format!(
        r#"<table:table-row table:number-rows-repeated="64"><table:table-cell office:value-type="string" table:number-columns-repeated="16384"><text:p>{}</text:p></table:table-cell></table:table-row>"#,
        "村".repeat(30_000)
    );
    refused(
        "repeated-text.ods",
        |p| ods(p, &table),
        &["sheet Sheet1", "more than"],
    );
}

#[test]
fn an_ods_asking_for_two_billion_spaces_is_refused() {
    let table = format!(
        r#"<table:table-row><table:table-cell office:value-type="string"><text:p>村<text:s text:c="2000000000"/></text:p></table:table-cell>{}</table:table-row>"#,
        ods_text("户编号")
    );
    refused("spaces.ods", |p| ods(p, &table), &["2000000000 spaces"]);
}

#[test]
fn an_xls_declaring_absurd_dimensions_is_refused() {
    // plain.xls with its sheet's DIMENSIONS record (rows 0..10, columns
    // 0..20) rewritten to claim 2^32 rows and 65,535 columns.
    refused(
        "dimension.xls",
        |p| {
            let mut b = std::fs::read(fixture("plain.xls")).unwrap();
            let at = b
                .windows(8)
                .position(|w| w == [0x00, 0x02, 0x0e, 0x00, 0, 0, 0, 0])
                .unwrap();
            b[at + 8..at + 12].copy_from_slice(&u32::MAX.to_le_bytes());
            b[at + 14..at + 16].copy_from_slice(&u16::MAX.to_le_bytes());
            std::fs::write(p, b).unwrap();
        },
        &["declares", "more than"],
    );
}

// ---------------------------------------------------------------------------
// Damaged files

#[test]
fn a_truncated_xlsx_is_refused() {
    refused(
        "truncated.xlsx",
        |p| {
            let b = std::fs::read(fixture("plain.xlsx")).unwrap();
            std::fs::write(p, &b[..b.len() / 2]).unwrap();
        },
        &["damaged", "zip"],
    );
}

#[test]
fn a_zip_without_a_workbook_is_refused() {
    refused(
        "empty.xlsx",
        |p| {
            ZipWriter::new(File::create(p).unwrap()).finish().unwrap();
        },
        &["no workbook"],
    );
    refused(
        "nobook.xlsx",
        |p| {
            let mut z = ZipWriter::new(File::create(p).unwrap());
            z.start_file("readme.txt", deflated()).unwrap();
            z.write_all("这不是工作簿".as_bytes()).unwrap();
            z.finish().unwrap();
        },
        &["no workbook"],
    );
}

#[test]
fn an_ole_header_followed_by_garbage_is_refused() {
    refused(
        "garbage.xls",
        |p| {
            let mut b = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
            b.extend(noise(20_000, 7));
            std::fs::write(p, b).unwrap();
        },
        &[".xls", "damaged"],
    );
}

#[test]
fn a_real_xls_with_bytes_flipped_in_the_middle_is_refused() {
    refused(
        "flipped.xls",
        |p| {
            let mut b = std::fs::read(fixture("plain.xls")).unwrap();
            let mid = b.len() / 2;
            for x in &mut b[mid - 256..mid + 256] {
                *x ^= 0xFF;
            }
            std::fs::write(p, b).unwrap();
        },
        &[],
    );
}

// ---------------------------------------------------------------------------
// CSV

#[test]
fn a_csv_of_a_million_columns_is_refused() {
    refused(
        "million-columns.csv",
        |p| {
            let mut w = BufWriter::new(File::create(p).unwrap());
            w.write_all("村,户编号,姓名".as_bytes()).unwrap();
            repeat(&mut w, b",x", 2_000_000);
            w.write_all(b"\n").unwrap();
            w.flush().unwrap();
        },
        &["1000003 columns", "more than"],
    );
}

#[test]
fn a_csv_with_a_100_mb_line_is_refused() {
    refused(
        "long-line.csv",
        |p| {
            let mut w = BufWriter::new(File::create(p).unwrap());
            w.write_all("村,户编号,姓名,与户主关系,身份证号,家庭年纯收入\n双河村,1,".as_bytes())
                .unwrap();
            repeat(&mut w, "张".as_bytes(), 100 << 20);
            w.write_all(",户主,11010519491231002X,3000\n".as_bytes())
                .unwrap();
            w.flush().unwrap();
        },
        &["line 2", "characters", "more than"],
    );
}

#[test]
fn a_csv_with_nul_bytes_is_refused() {
    refused(
        "nul.csv",
        |p| {
            std::fs::write(
                p,
                "村,户编号,姓名,与户主关系,身份证号,家庭年纯收入\n双河村,1,张\0三,户主,11010519491231002X,3000\n",
            )
            .unwrap()
        },
        &["NUL", "line 2"],
    );
}

#[test]
fn a_gb18030_csv_with_invalid_bytes_is_refused() {
    refused(
        "bad-gb18030.csv",
        |p| {
            let (head, _, _) = encoding_rs::GB18030
                .encode("村,户编号,姓名,与户主关系,身份证号,家庭年纯收入\n双河村,1,张三,户主,11010519491231002X,3000\n");
            let mut b = head.into_owned();
            b.extend_from_slice(b"\xB4\xE5,2,\x81\x20\xFF\x80,\n");
            std::fs::write(p, b).unwrap();
        },
        &["GB18030", "--encoding"],
    );
}

#[test]
fn an_xlsx_named_csv_is_read_by_content() {
    let t = town_with("renamed.csv", |p| {
        std::fs::copy(fixture("plain.xlsx"), p).unwrap();
    });
    let o = import_capped(&t);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    assert_eq!(t.csv("out/register.csv").len(), 9);
}

// ---------------------------------------------------------------------------
// Many small damages: never a panic, whatever the bytes, and never more
// memory than the cap. The damages are read in process, by the test binary
// itself run again under the cap.

#[test]
fn damaged_workbooks_never_panic_nor_exhaust_memory() {
    let start = Instant::now();
    let mut child = Command::new("bash")
        .arg("-c")
        .arg("ulimit -v 3000000; exec \"$0\" \"$@\"")
        .arg(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "damaged_workbooks_in_process",
            "--ignored",
            "--test-threads=1",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(300) {
            let _ = child.kill();
            panic!("the damaged workbooks took more than 300 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{:?}:\n{text}", out.status);
    assert!(text.contains("1 passed"), "{text}");
}

#[test]
#[ignore = "run under a memory cap by damaged_workbooks_never_panic_nor_exhaust_memory"]
fn damaged_workbooks_in_process() {
    use fupin::io::sheet::read_bytes;
    let read = |what: &str, b: &[u8]| {
        let r = std::panic::catch_unwind(|| read_bytes(b, None));
        assert!(r.is_ok(), "{what}: panic");
    };
    for name in ["plain.xls", "plain.xlsx", "plain.ods", "title_merged.xlsx"] {
        let t0 = Instant::now();
        let good = std::fs::read(fixture(name)).unwrap();
        assert!(read_bytes(&good, None).is_ok(), "{name}");
        let step = (good.len() / 200).max(1);
        // Bytes flipped here and there.
        for (k, at) in (0..good.len()).step_by(step).enumerate() {
            for width in [1usize, 4, 64] {
                let mut b = good.clone();
                let end = (at + width).min(b.len());
                let pattern = noise(width, (k * 3 + width) as u64);
                for (x, n) in b[at..end].iter_mut().zip(pattern) {
                    *x ^= n | 1;
                }
                read(&format!("{name}: bytes {at}..{end} flipped"), &b);
            }
        }
        // Cut short anywhere.
        for cut in (0..good.len()).step_by(step) {
            read(&format!("{name}: cut at {cut}"), &good[..cut]);
        }
        eprintln!("{name}: {:.1} s", t0.elapsed().as_secs_f64());
    }
    let t0 = Instant::now();
    // Every count, size, position and sector number of the .xls file set
    // to an extreme.
    let good = std::fs::read(fixture("plain.xls")).unwrap();
    for (v, width, step) in [(0xFFFFu32, 2, 3), (0xFFFF_FFFF, 4, 4)] {
        for at in (0..good.len() - width).step_by(step) {
            let mut b = good.clone();
            b[at..at + width].copy_from_slice(&v.to_le_bytes()[..width]);
            read(&format!("plain.xls: {v:#x} at {at}"), &b);
        }
    }
    eprintln!("plain.xls extremes: {:.1} s", t0.elapsed().as_secs_f64());
}
