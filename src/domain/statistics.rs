//! Classified statistics of the final list (分类统计, DESIGN 2.8): households
//! and persons by main cause of poverty, by household attribute and by
//! housing; persons by health and by labour. Every table has a row for each
//! code of its list in order, a row for blank cells (未填) and, only when
//! some value is not in the list, a row for those; so every table adds up to
//! the totals.

use super::codes::{self, Code};

/// What a table classifies by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dimension {
    /// 致贫原因, a household value.
    MainCause,
    /// 贫困户属性, a household value.
    Attribute,
    /// 住房, a household value.
    Housing,
    /// 健康状况, a person value.
    Health,
    /// 劳动能力, a person value.
    Labour,
}

impl Dimension {
    pub const ALL: [Dimension; 5] = [
        Dimension::MainCause,
        Dimension::Attribute,
        Dimension::Housing,
        Dimension::Health,
        Dimension::Labour,
    ];

    pub fn codes(self) -> &'static [Code] {
        match self {
            Dimension::MainCause => codes::MAIN_CAUSE,
            Dimension::Attribute => codes::ATTRIBUTE,
            Dimension::Housing => codes::HOUSING,
            Dimension::Health => codes::HEALTH,
            Dimension::Labour => codes::LABOUR,
        }
    }

    /// Whether the table counts persons only (a value of each member)
    /// rather than households and their persons.
    pub fn per_person(self) -> bool {
        matches!(self, Dimension::Health | Dimension::Labour)
    }

    /// The title of the table.
    pub fn zh(self) -> &'static str {
        match self {
            Dimension::MainCause => "按主要致贫原因",
            Dimension::Attribute => "按贫困户属性",
            Dimension::Housing => "按住房情况",
            Dimension::Health => "按家庭成员健康状况",
            Dimension::Labour => "按家庭成员劳动能力",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Dimension::MainCause => "By main cause of poverty",
            Dimension::Attribute => "By household attribute",
            Dimension::Housing => "By housing",
            Dimension::Health => "By health of members",
            Dimension::Labour => "By labour capacity of members",
        }
    }
}

/// A row of a table.
#[derive(Clone, Copy)]
pub enum Category {
    Code(&'static Code),
    /// The cell was blank (未填).
    Blank,
    /// The cell held a value that is not in the code list.
    Other,
}

impl PartialEq for Category {
    fn eq(&self, other: &Category) -> bool {
        self.en() == other.en()
    }
}

impl Eq for Category {}

impl std::fmt::Debug for Category {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.en())
    }
}

impl Category {
    pub fn zh(self) -> &'static str {
        match self {
            Category::Code(c) => c.zh,
            Category::Blank => "未填",
            Category::Other => "其他（不在代码表中）",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Category::Code(c) => c.en,
            Category::Blank => "blank",
            Category::Other => "other (not in the code list)",
        }
    }
}

/// Counts of one row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Count {
    /// Households (0 in a table of persons).
    pub households: u64,
    pub persons: u64,
}

/// One classified table: a count per code of the list, then blank, then
/// values not in the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub dimension: Dimension,
    counts: Vec<Count>,
}

impl Table {
    fn new(dimension: Dimension) -> Table {
        Table {
            dimension,
            counts: vec![Count::default(); dimension.codes().len() + 2],
        }
    }

    fn slot(&self, value: &str) -> usize {
        let list = self.dimension.codes();
        if value.trim().is_empty() {
            return list.len();
        }
        match codes::lookup(list, value) {
            Some(c) => list
                .iter()
                .position(|x| x.en == c.en)
                .unwrap_or(list.len() + 1),
            None => list.len() + 1,
        }
    }

    /// The rows to show: every code, blank, and the values not in the list
    /// when there are any.
    pub fn rows(&self) -> Vec<(Category, Count)> {
        let list = self.dimension.codes();
        let mut out: Vec<(Category, Count)> = list
            .iter()
            .zip(&self.counts)
            .map(|(c, n)| (Category::Code(c), *n))
            .collect();
        out.push((Category::Blank, self.counts[list.len()]));
        let other = self.counts[list.len() + 1];
        if other != Count::default() {
            out.push((Category::Other, other));
        }
        out
    }

    /// The count of a code (by its English code), for checks and charts.
    pub fn count_of(&self, en: &str) -> Count {
        self.dimension
            .codes()
            .iter()
            .position(|c| c.en == en)
            .map(|i| self.counts[i])
            .unwrap_or_default()
    }

    /// The sum of every row.
    pub fn total(&self) -> Count {
        self.counts.iter().fold(Count::default(), |a, c| Count {
            households: a.households + c.households,
            persons: a.persons + c.persons,
        })
    }
}

/// One member's coded values.
#[derive(Clone, Copy, Debug, Default)]
pub struct MemberValues<'a> {
    pub health: &'a str,
    pub labour: &'a str,
}

/// One household's coded values, as written in the register.
#[derive(Clone, Debug, Default)]
pub struct HouseholdValues<'a> {
    pub main_cause: &'a str,
    pub attribute: &'a str,
    pub housing: &'a str,
    pub members: Vec<MemberValues<'a>>,
}

/// The classified statistics of a set of households.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statistics {
    pub households: u64,
    pub persons: u64,
    pub tables: Vec<Table>,
}

impl Default for Statistics {
    fn default() -> Self {
        Statistics::new()
    }
}

impl Statistics {
    pub fn new() -> Statistics {
        Statistics {
            households: 0,
            persons: 0,
            tables: Dimension::ALL.iter().map(|d| Table::new(*d)).collect(),
        }
    }

    /// Count one household and its members.
    pub fn add(&mut self, hh: &HouseholdValues) {
        let persons = hh.members.len() as u64;
        self.households += 1;
        self.persons += persons;
        for t in &mut self.tables {
            let household_value = match t.dimension {
                Dimension::MainCause => Some(hh.main_cause),
                Dimension::Attribute => Some(hh.attribute),
                Dimension::Housing => Some(hh.housing),
                Dimension::Health | Dimension::Labour => None,
            };
            match household_value {
                Some(v) => {
                    let i = t.slot(v);
                    t.counts[i].households += 1;
                    t.counts[i].persons += persons;
                }
                None => {
                    for m in &hh.members {
                        let v = if t.dimension == Dimension::Health {
                            m.health
                        } else {
                            m.labour
                        };
                        let i = t.slot(v);
                        t.counts[i].persons += 1;
                    }
                }
            }
        }
    }

    /// Add another set's counts (a village's into the town's).
    pub fn merge(&mut self, other: &Statistics) {
        self.households += other.households;
        self.persons += other.persons;
        for (t, o) in self.tables.iter_mut().zip(&other.tables) {
            for (a, b) in t.counts.iter_mut().zip(&o.counts) {
                a.households += b.households;
                a.persons += b.persons;
            }
        }
    }

    pub fn table(&self, d: Dimension) -> &Table {
        // The tables are built from `Dimension::ALL`, in its order.
        let i = Dimension::ALL.iter().position(|x| *x == d).unwrap_or(0);
        &self.tables[i]
    }

    /// Whether every table adds up to the totals: households tables to the
    /// households and persons, person tables to the persons.
    pub fn adds_up(&self) -> bool {
        self.tables.iter().all(|t| {
            let s = t.total();
            if t.dimension.per_person() {
                s.households == 0 && s.persons == self.persons
            } else {
                s.households == self.households && s.persons == self.persons
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hh<'a>(
        cause: &'a str,
        attr: &'a str,
        members: &[(&'a str, &'a str)],
    ) -> HouseholdValues<'a> {
        HouseholdValues {
            main_cause: cause,
            attribute: attr,
            housing: "",
            members: members
                .iter()
                .map(|(h, l)| MemberValues {
                    health: h,
                    labour: l,
                })
                .collect(),
        }
    }

    #[test]
    fn counts_households_and_persons_in_both_languages() {
        let mut s = Statistics::new();
        s.add(&hh(
            "因病",
            "低保贫困户",
            &[("患有大病", "丧失劳动力"), ("健康", "")],
        ));
        s.add(&hh("illness", "dibao", &[("serious_illness", "lost")]));
        s.add(&hh("", "一般户", &[("健康", "普通劳动力"); 3]));
        assert_eq!((s.households, s.persons), (3, 6));
        let cause = s.table(Dimension::MainCause);
        assert_eq!(
            cause.count_of("illness"),
            Count {
                households: 2,
                persons: 3
            }
        );
        let rows = cause.rows();
        assert_eq!(rows.len(), codes::MAIN_CAUSE.len() + 1);
        assert_eq!(rows[0].0.zh(), "因病");
        assert_eq!(
            rows.last().map(|r| (r.0, r.1.households)),
            Some((Category::Blank, 1))
        );
        assert_eq!(
            s.table(Dimension::Attribute).count_of("dibao").households,
            2
        );
        assert_eq!(s.table(Dimension::Attribute).count_of("general").persons, 3);
        let health = s.table(Dimension::Health);
        assert_eq!(health.count_of("healthy").persons, 4);
        assert_eq!(health.count_of("serious_illness").persons, 2);
        assert_eq!(health.count_of("healthy").households, 0);
        let labour = s.table(Dimension::Labour);
        assert_eq!(labour.count_of("lost").persons, 2);
        assert_eq!(labour.rows()[codes::LABOUR.len()].1.persons, 1);
        assert!(s.adds_up());
    }

    #[test]
    fn values_not_in_the_list_get_their_own_row() {
        let mut s = Statistics::new();
        s.add(&hh("天灾人祸", "", &[("", "")]));
        let rows = s.table(Dimension::MainCause).rows();
        assert_eq!(rows.last().map(|r| r.0), Some(Category::Other));
        assert_eq!(rows.last().map(|r| r.1.households), Some(1));
        assert!(s.adds_up());
        // Lists without such values do not show the row.
        assert!(s
            .table(Dimension::Health)
            .rows()
            .iter()
            .all(|r| r.0 != Category::Other));
    }

    #[test]
    fn merged_sets_add_up() {
        let mut a = Statistics::new();
        a.add(&hh("因学", "五保户", &[("残疾", "无劳动力")]));
        let mut b = Statistics::new();
        b.add(&hh(
            "education",
            "wubao",
            &[("disabled", "none"), ("chronic", "weak")],
        ));
        b.add(&hh("缺资金", "", &[]));
        let mut town = Statistics::new();
        town.merge(&a);
        town.merge(&b);
        assert_eq!((town.households, town.persons), (3, 3));
        assert_eq!(
            town.table(Dimension::MainCause)
                .count_of("education")
                .persons,
            3
        );
        assert_eq!(
            town.table(Dimension::Health).count_of("disabled").persons,
            2
        );
        assert!(town.adds_up());
        assert_eq!(Statistics::new(), Statistics::default());
    }

    #[test]
    fn every_code_has_a_row_even_when_zero() {
        let s = Statistics::new();
        for d in Dimension::ALL {
            let rows = s.table(d).rows();
            assert_eq!(rows.len(), d.codes().len() + 1, "{d:?}");
            assert!(rows.iter().all(|r| r.1 == Count::default()));
        }
        assert!(s.adds_up());
    }
}
