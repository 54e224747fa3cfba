//! Application sheets: find the header row (after an optional title row),
//! map headers in either language to the known columns, keep unknown ones.

use crate::domain::columns::{Col, N_COLS};
use crate::domain::register::{Cell, PersonRow, Span};
use crate::domain::roster::{Roster, Village};

use super::sheet::{Row, Sheet, View};

/// How a sheet's columns map to the register.
#[derive(Clone, Debug)]
pub struct HeaderMap {
    /// 0-based index of the header among the sheet's rows.
    pub header_row: usize,
    pub known: [Option<usize>; N_COLS],
    /// Unknown columns: position in the sheet and header text.
    pub extras: Vec<(usize, String)>,
}

/// Normalise a header label: fold full-width forms, drop all spaces.
pub fn normalise_header(s: &str) -> String {
    crate::domain::text::fold_width(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// The header of a sheet: the first of its first 10 rows in which at least
/// three cells name known columns.
pub fn find_header(sheet: &Sheet) -> Option<HeaderMap> {
    for (i, row) in sheet.rows.iter().take(10).enumerate() {
        let mut known = [None; N_COLS];
        let mut extras = Vec::new();
        let mut hits = 0;
        for (pos, cell) in row.cells.iter().enumerate() {
            let label = normalise_header(cell);
            if label.is_empty() {
                continue;
            }
            match Col::from_label(&label) {
                Some(c) if known[c.index()].is_none() => {
                    known[c.index()] = Some(pos);
                    hits += 1;
                }
                _ => extras.push((pos, label)),
            }
        }
        if hits >= 3 {
            return Some(HeaderMap {
                header_row: i,
                known,
                extras,
            });
        }
    }
    None
}

/// The required columns a header lacks (the village only when no
/// `--village` was given).
pub fn missing_columns(map: &HeaderMap, village_given: bool) -> Vec<Col> {
    Col::all()
        .filter(|c| c.spec().required && map.known[c.index()].is_none())
        .filter(|c| !(village_given && *c == Col::Village))
        .collect()
}

/// The roster village a sheet's or a file's name names (`370323202-西山村`,
/// `西山村`, `西山村申请表`), when exactly one does: one whose code or name
/// is a part of the name between separators, else, when no village is, one
/// whose code or name the name holds.
pub fn village_in_name<'r>(roster: &'r Roster, name: &str) -> Option<&'r Village> {
    let name = crate::domain::text::fold_width(name.trim());
    if name.is_empty() {
        return None;
    }
    let parts: Vec<&str> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|p| !p.is_empty())
        .collect();
    let one = |hits: Vec<&'r Village>| match hits.as_slice() {
        [v] => Some(*v),
        _ => None,
    };
    let named: Vec<&Village> = roster
        .villages
        .iter()
        .filter(|v| parts.iter().any(|p| *p == v.code || *p == v.name))
        .collect();
    if !named.is_empty() {
        return one(named);
    }
    one(roster
        .villages
        .iter()
        .filter(|v| {
            (!v.code.is_empty() && name.contains(v.code.as_str()))
                || (!v.name.is_empty() && name.contains(v.name.as_str()))
        })
        .collect())
}

/// The village of a sheet without a 村 column: from the sheet's name, else
/// from the file's (its name without the folder and the extension).
pub fn village_of_sheet<'r>(roster: &'r Roster, file: &str, sheet: &str) -> Option<&'r Village> {
    let stem = std::path::Path::new(file)
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    village_in_name(roster, sheet).or_else(|| village_in_name(roster, &stem))
}

/// Turn a sheet's data rows into person rows. `extra_slots[i]` is the
/// register position of the map's i-th unknown column.
pub fn person_rows(
    file: &str,
    sheet: &Sheet,
    map: &HeaderMap,
    extra_slots: &[usize],
    n_extras: usize,
    village: Option<&str>,
) -> Vec<PersonRow> {
    let mut out = Vec::with_capacity(sheet.rows.len().saturating_sub(map.header_row + 1));
    let place = Place::new(file, &sheet.name, map, extra_slots, n_extras, village);
    for row in &sheet.rows[map.header_row + 1..] {
        out.extend(place.person(row));
    }
    out
}

/// Where rows come from and how their cells map to the register: what
/// turns a sheet's data row into a person row.
pub struct Place<'a> {
    file: std::sync::Arc<str>,
    sheet: std::sync::Arc<str>,
    map: &'a HeaderMap,
    extra_slots: &'a [usize],
    n_extras: usize,
    village: Option<&'a str>,
    /// The sheet's columns are the register's.
    in_order: bool,
}

impl<'a> Place<'a> {
    pub fn new(
        file: &str,
        sheet: &str,
        map: &'a HeaderMap,
        extra_slots: &'a [usize],
        n_extras: usize,
        village: Option<&'a str>,
    ) -> Place<'a> {
        Place {
            file: file.into(),
            sheet: sheet.into(),
            map,
            extra_slots,
            n_extras,
            village,
            in_order: map.extras.is_empty()
                && map.known.iter().enumerate().all(|(i, p)| *p == Some(i)),
        }
    }

    /// The person of a data row; `None` for a blank row.
    pub fn person(&self, row: &Row) -> Option<PersonRow> {
        // The cells' text, one after another.
        let mut text = String::with_capacity(row.cells.iter().map(|c| c.len()).sum());
        let mut spans = Vec::with_capacity(row.cells.len());
        for c in &row.cells {
            let from = text.len() as u32;
            text.push_str(c);
            spans.push((from, text.len() as u32));
        }
        let view = View {
            line: row.line,
            text: &text,
            spans: &spans,
        };
        let mut p = PersonRow::default();
        self.person_of(&view, &mut p).then_some(p)
    }

    /// The person of a record as read, in `row` (a row used before, whose
    /// allocations are kept); `false` for a blank record.
    pub fn person_of(&self, view: &View, p: &mut PersonRow) -> bool {
        if view.spans.iter().all(|(from, to)| from == to) {
            return false;
        }
        let spans = view.spans;
        let mut mine: [Span; N_COLS] = Default::default();
        if self.in_order {
            // The sheet's columns are the register's.
            for (m, s) in mine.iter_mut().zip(spans) {
                *m = *s;
            }
        } else {
            for (m, pos) in mine.iter_mut().zip(&self.map.known) {
                if let Some(s) = pos.and_then(|pos| spans.get(pos)) {
                    *m = *s;
                }
            }
        }
        p.refill((&self.file, &self.sheet, view.line), view.text, mine);
        if self.n_extras > 0 {
            p.extras.resize(self.n_extras, Cell::default());
            for ((pos, _), slot) in self.map.extras.iter().zip(self.extra_slots) {
                if let Some(dst) = p.extras.get_mut(*slot) {
                    *dst = view.cell(*pos).into();
                }
            }
        }
        if let Some(v) = self.village {
            if p.get(Col::Village).is_empty() {
                p.set(Col::Village, v);
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(rows: &[&[&str]]) -> Sheet {
        Sheet {
            name: "s".into(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, r)| Row {
                    line: i as u64 + 1,
                    cells: r.iter().map(|c| crate::io::sheet::Cell::from(*c)).collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn header_below_title_in_any_language() {
        let s = sheet(&[
            &["双河村贫困户申请表"],
            &["household_id", "姓 名", "Relation", "备注"],
            &["1", "张三", "户主", "x"],
        ]);
        let m = find_header(&s).unwrap(); // ok: test code, not built into fupin
        assert_eq!(m.header_row, 1);
        assert_eq!(m.known[Col::Name.index()], Some(1));
        assert_eq!(m.extras, vec![(3, "备注".to_string())]);
        let rows = person_rows("f.csv", &s, &m, &[0], 1, Some("双河村"));
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].get(Col::Village), "双河村");
        assert_eq!(rows[0].extras, vec!["x".to_string()]);
        assert_eq!(rows[0].src.row, 3);
        let missing = missing_columns(&m, true);
        assert_eq!(missing, vec![Col::IdNumber]);
    }

    #[test]
    fn a_village_named_by_the_file_or_sheet() {
        let r = crate::fuzzing::roster().unwrap(); // ok: test code, not built into fupin
        let v = &r.villages[0];
        let name = |s: &str| village_in_name(r, s).map(|v| v.name.clone());
        assert_eq!(
            name(&format!("{}-{}", v.code, v.name)),
            Some(v.name.clone())
        );
        assert_eq!(name(&v.code), Some(v.name.clone()));
        assert_eq!(name(&format!("{}申请表", v.name)), Some(v.name.clone()));
        assert_eq!(name("Sheet1"), None);
        assert_eq!(name(""), None);
        let both = format!("{}-{}", v.name, r.villages[1].name);
        assert_eq!(name(&both), None);
        let of = village_of_sheet(r, &format!("applications/{}.csv", v.name), "");
        assert_eq!(of.map(|v| v.code.as_str()), Some(v.code.as_str()));
    }

    #[test]
    fn no_header() {
        assert!(find_header(&sheet(&[&["1", "2", "3"], &["4", "5", "6"]])).is_none());
    }
}
