//! Floors for the performance figures of the README, measured in the same
//! run as fupin itself (see `benches/run.sh`):
//!
//! * `floor import DIR`: parse every CSV file of `DIR/applications` with the
//!   csv crate and nothing else, then every workbook (the demo town has two
//!   `.xlsx` villages) with calamine: both figures are printed;
//! * `floor screen DIR`: parse `DIR/out/register.csv` with the csv crate,
//!   then write as many cells as `DIR/out/primary-list.csv` holds with
//!   rust_xlsxwriter in constant-memory mode.

use std::time::Instant;

fn parse_all(paths: &[std::path::PathBuf]) -> (u64, u64) {
    let (mut records, mut fields) = (0u64, 0u64);
    let mut rec = csv::ByteRecord::new();
    for p in paths {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_path(p)
            .expect("readable");
        while r.read_byte_record(&mut rec).expect("csv") {
            records += 1;
            fields += rec.len() as u64;
        }
    }
    (records, fields)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let what = args.get(1).map(String::as_str).unwrap_or("");
    let dir = std::path::PathBuf::from(args.get(2).map(String::as_str).unwrap_or("."));
    match what {
        "import" => {
            let mut files: Vec<_> = std::fs::read_dir(dir.join("applications"))
                .expect("applications/")
                .map(|e| e.expect("entry").path())
                .filter(|p| p.extension().is_some_and(|e| e == "csv"))
                .collect();
            files.sort();
            let t = Instant::now();
            let (r, f) = parse_all(&files);
            let csv = t.elapsed().as_secs_f64();
            println!(
                "floor import: parsed {} CSV files, {r} records, {f} fields in {csv:.2} s",
                files.len(),
            );
            let mut books: Vec<_> = std::fs::read_dir(dir.join("applications"))
                .expect("applications/")
                .map(|e| e.expect("entry").path())
                .filter(|p| {
                    p.extension()
                        .is_some_and(|e| e == "xlsx" || e == "xls" || e == "ods")
                })
                .collect();
            books.sort();
            let t = Instant::now();
            let mut cells = 0usize;
            for p in &books {
                use calamine::Reader;
                let mut wb = calamine::open_workbook_auto(p).expect("workbook");
                for name in wb.sheet_names() {
                    cells += wb
                        .worksheet_range(&name)
                        .expect("sheet")
                        .used_cells()
                        .count();
                }
            }
            let books_s = t.elapsed().as_secs_f64();
            println!(
                "floor import: and {} workbooks, {cells} cells, in {books_s:.2} s: all files {:.2} s",
                books.len(),
                csv + books_s
            );
        }
        "screen" => {
            let t = Instant::now();
            let (r, _) = parse_all(&[dir.join("out/register.csv")]);
            let parse = t.elapsed().as_secs_f64();
            let (rows, fields) = parse_all(&[dir.join("out/primary-list.csv")]);
            let cols = (fields / rows.max(1)) as u16;
            let t = Instant::now();
            let mut wb = rust_xlsxwriter::Workbook::new();
            let ws = wb.add_worksheet_with_constant_memory().expect("sheet");
            for i in 0..rows as u32 {
                let row = i % 1_000_000;
                if row == 0 && i > 0 {
                    break;
                }
                for c in 0..cols {
                    ws.write_string(row, c, "双河村").expect("cell");
                }
            }
            let left = rows.saturating_sub(1_000_000) as u32;
            if left > 0 {
                let ws = wb.add_worksheet_with_constant_memory().expect("sheet");
                for row in 0..left {
                    for c in 0..cols {
                        ws.write_string(row, c, "双河村").expect("cell");
                    }
                }
            }
            wb.save(std::env::temp_dir().join("fupin-floor.xlsx"))
                .expect("save");
            let write = t.elapsed().as_secs_f64();
            println!(
                "floor screen: parsed register ({r} records) in {parse:.2} s, wrote {rows} × {cols} cells in {write:.2} s, total {:.2} s",
                parse + write
            );
        }
        _ => eprintln!("usage: floor import|screen DIR"),
    }
}
