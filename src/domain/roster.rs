//! The village roster (`villages.csv`, DESIGN 3).

use super::codes;
use super::text::normal;

/// One village of the roster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Village {
    /// 村代码
    pub code: String,
    /// 村名
    pub name: String,
    /// 人口: registered rural population
    pub population: u64,
    /// 户数
    pub households: u64,
    /// 重点村: key poverty village
    pub key: bool,
    /// 村民代表人数, when the roster gives it
    pub representatives: Option<u32>,
}

#[derive(Clone, Debug, Default)]
pub struct Roster {
    pub villages: Vec<Village>,
}

const FIELDS: [(&str, &str); 6] = [
    ("村代码", "code"),
    ("村名", "name"),
    ("人口", "population"),
    ("户数", "households"),
    ("重点村", "key"),
    ("村民代表人数", "representatives"),
];

impl Roster {
    /// Build the roster from a header and rows of text; errors name the line
    /// (1-based, the header being line 1) and the column.
    pub fn from_rows(header: &[String], rows: &[Vec<String>]) -> Result<Roster, String> {
        let pos = |i: usize| {
            let (zh, en) = FIELDS[i];
            header.iter().position(|h| {
                let h = h.trim();
                h == zh || h.eq_ignore_ascii_case(en) || h == format!("{zh} {en}")
            })
        };
        let mut idx = [None; 6];
        for (i, slot) in idx.iter_mut().enumerate() {
            *slot = pos(i);
            if slot.is_none() && i < 5 {
                return Err(format!(
                    "column {} ({}) is missing from the header",
                    FIELDS[i].0, FIELDS[i].1
                ));
            }
        }
        let mut villages: Vec<Village> = Vec::new();
        for (n, row) in rows.iter().enumerate() {
            let line = n + 2;
            let cell = |i: usize| -> &str {
                idx[i]
                    .and_then(|p| row.get(p))
                    .map(|s| s.trim())
                    .unwrap_or("")
            };
            if row.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let code = cell(0).to_string();
            let name = cell(1).to_string();
            if code.is_empty() || name.is_empty() {
                return Err(format!(
                    "line {line}: village code and name must both be filled"
                ));
            }
            let number = |i: usize| -> Result<u64, String> {
                cell(i).replace(',', "").parse::<u64>().map_err(|_| {
                    format!(
                        "line {line}, column {}: {:?} is not a whole number",
                        FIELDS[i].0,
                        cell(i)
                    )
                })
            };
            let population = number(2)?;
            let households = number(3)?;
            let key = match codes::yes_no(cell(4)) {
                Some(k) if !cell(4).is_empty() => k,
                _ => {
                    return Err(format!(
                        "line {line}, column 重点村 (key): {:?} is not 是/否 (yes/no)",
                        cell(4)
                    ))
                }
            };
            let representatives = match cell(5) {
                "" => None,
                s => Some(s.parse::<u32>().map_err(|_| {
                    format!("line {line}, column 村民代表人数 (representatives): {s:?} is not a whole number")
                })?),
            };
            if let Some(prev) = villages.iter().find(|v| v.code == code) {
                return Err(format!(
                    "line {line}: village code {code} appears twice ({} and {name})",
                    prev.name
                ));
            }
            if villages.iter().any(|v| v.name == name) {
                return Err(format!("line {line}: village name {name} appears twice"));
            }
            villages.push(Village {
                code,
                name,
                population,
                households,
                key,
                representatives,
            });
        }
        if villages.is_empty() {
            return Err("the roster lists no village".into());
        }
        Ok(Roster { villages })
    }

    /// A roster of these (code, name) villages, for tests.
    #[cfg(test)]
    pub fn of(villages: &[(&str, &str)]) -> Roster {
        Roster {
            villages: villages
                .iter()
                .map(|(code, name)| Village {
                    code: code.to_string(),
                    name: name.to_string(),
                    population: 500,
                    households: 100,
                    key: false,
                    representatives: None,
                })
                .collect(),
        }
    }

    /// The village a cell names, by code or by name, both normalised
    /// (NFKC, trimmed: `３７０３２３１０１` is `370323101`, DESIGN 7).
    pub fn find(&self, cell: &str) -> Option<(usize, &Village)> {
        let c = normal(cell);
        let c = c.as_ref();
        self.villages
            .iter()
            .enumerate()
            .find(|(_, v)| v.code == c || v.name == c)
            .or_else(|| {
                self.villages
                    .iter()
                    .enumerate()
                    .find(|(_, v)| normal(&v.code) == c || normal(&v.name) == c)
            })
    }
}

/// The example roster that `init` writes.
pub const EXAMPLE_CSV: &str = "\u{feff}村代码,村名,人口,户数,重点村,村民代表人数\n\
370323101,双河村,1019,301,是,45\n\
370323102,南庞庄村,457,139,否,\n\
370323103,鹿泉村,820,240,否,\n";

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn reads_rows() {
        let h = s(&["村代码", "村名", "人口", "户数", "重点村"]);
        let r = Roster::from_rows(
            &h,
            &[
                s(&["1", "甲村", "457", "100", "否"]),
                s(&["2", "乙村", "1,019", "300", "是"]),
            ],
        )
        .unwrap(); // ok: test code, not built into fupin
        assert_eq!(r.villages[1].population, 1019);
        assert!(r.villages[1].key);
        assert_eq!(r.find("甲村").unwrap().0, 0); // ok: test code, not built into fupin
        assert_eq!(r.find("2").unwrap().1.name, "乙村"); // ok: test code, not built into fupin
        assert_eq!(r.find("２").unwrap().1.name, "乙村"); // ok: test code, not built into fupin
        assert_eq!(r.find(" 甲村　").unwrap().0, 0); // ok: test code, not built into fupin
    }

    #[test]
    fn refuses_bad_rows() {
        let h = s(&["code", "name", "population", "households", "key"]);
        let dup = Roster::from_rows(
            &h,
            &[
                s(&["1", "a", "1", "1", "yes"]),
                s(&["1", "b", "1", "1", "no"]),
            ],
        );
        assert!(dup.unwrap_err().contains("appears twice")); // ok: test code, not built into fupin
        let num = Roster::from_rows(&h, &[s(&["1", "a", "many", "1", "yes"])]);
        assert!(num.unwrap_err().contains("line 2, column 人口")); // ok: test code, not built into fupin
        let key = Roster::from_rows(&h, &[s(&["1", "a", "1", "1", "maybe"])]);
        assert!(key.unwrap_err().contains("重点村")); // ok: test code, not built into fupin
    }
}
