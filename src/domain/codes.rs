//! Code lists of the application sheet (DESIGN 4) as data: each value has a
//! canonical English code, a Chinese label and accepted aliases.

use super::columns::Col;
use super::idnum::Sex;

pub struct Code {
    pub en: &'static str,
    pub zh: &'static str,
    pub aliases: &'static [&'static str],
}

const fn c(en: &'static str, zh: &'static str, aliases: &'static [&'static str]) -> Code {
    Code { en, zh, aliases }
}

pub static SEX: &[Code] = &[c("male", "男", &["m"]), c("female", "女", &["f"])];

pub static RELATION: &[Code] = &[
    c("head", "户主", &["本人", "户主本人"]),
    c(
        "spouse",
        "配偶",
        &["妻", "夫", "妻子", "丈夫", "之妻", "之夫"],
    ),
    c(
        "child",
        "子女",
        &[
            "子",
            "女",
            "儿子",
            "女儿",
            "之子",
            "之女",
            "之儿媳",
            "之女婿",
            "儿媳",
            "女婿",
        ],
    ),
    c(
        "parent",
        "父母",
        &["父亲", "母亲", "之父", "之母", "父", "母"],
    ),
    c(
        "grandchild",
        "孙子女",
        &[
            "孙子",
            "孙女",
            "之孙子",
            "之孙女",
            "外孙子",
            "外孙女",
            "之外孙子",
            "之外孙女",
        ],
    ),
    c(
        "sibling",
        "兄弟姐妹",
        &[
            "兄",
            "弟",
            "姐",
            "妹",
            "之兄",
            "之弟",
            "之姐",
            "之妹",
            "之兄弟姐妹",
        ],
    ),
    c("other", "其他", &["之其他", "其他亲属"]),
];

/// Relation labels that say the member's sex (之子 is male, 之母 female…).
static RELATION_SEX: &[(&str, Sex)] = &[
    ("子", Sex::Male),
    ("儿子", Sex::Male),
    ("之子", Sex::Male),
    ("之女婿", Sex::Male),
    ("女婿", Sex::Male),
    ("父亲", Sex::Male),
    ("之父", Sex::Male),
    ("父", Sex::Male),
    ("孙子", Sex::Male),
    ("之孙子", Sex::Male),
    ("外孙子", Sex::Male),
    ("之外孙子", Sex::Male),
    ("兄", Sex::Male),
    ("弟", Sex::Male),
    ("之兄", Sex::Male),
    ("之弟", Sex::Male),
    ("夫", Sex::Male),
    ("丈夫", Sex::Male),
    ("之夫", Sex::Male),
    ("女", Sex::Female),
    ("女儿", Sex::Female),
    ("之女", Sex::Female),
    ("之儿媳", Sex::Female),
    ("儿媳", Sex::Female),
    ("母亲", Sex::Female),
    ("之母", Sex::Female),
    ("母", Sex::Female),
    ("孙女", Sex::Female),
    ("之孙女", Sex::Female),
    ("外孙女", Sex::Female),
    ("之外孙女", Sex::Female),
    ("姐", Sex::Female),
    ("妹", Sex::Female),
    ("之姐", Sex::Female),
    ("之妹", Sex::Female),
    ("妻", Sex::Female),
    ("妻子", Sex::Female),
    ("之妻", Sex::Female),
];

pub static HEALTH: &[Code] = &[
    c("healthy", "健康", &[]),
    c("chronic", "长期慢性病", &["慢性病"]),
    c("serious_illness", "患有大病", &["大病"]),
    c("disabled", "残疾", &[]),
];

pub static SCHOOLING: &[Code] = &[
    c("not_in_school", "非在校生", &[]),
    c("preschool", "学前", &["学前教育"]),
    c("primary", "小学", &[]),
    c("junior", "初中", &[]),
    c("senior", "高中", &[]),
    c("vocational", "中职", &[]),
    c("college", "大专及以上", &["大专", "本科"]),
    c("dropout", "辍学", &[]),
];

pub static LABOUR: &[Code] = &[
    c("ordinary", "普通劳动力", &[]),
    c("skilled", "技能劳动力", &[]),
    c("weak", "弱劳动力", &["弱劳动力或半劳动力", "半劳动力"]),
    c("lost", "丧失劳动力", &[]),
    c("none", "无劳动力", &[]),
];

pub static HOUSING: &[Code] = &[c("safe", "安全", &["安全住房"]), c("unsafe", "危房", &[])];

pub static MAIN_CAUSE: &[Code] = &[
    c("illness", "因病", &[]),
    c("disability", "因残", &[]),
    c("education", "因学", &[]),
    c("disaster", "因灾", &[]),
    c("land", "缺土地", &[]),
    c("water", "缺水", &[]),
    c("skills", "缺技术", &[]),
    c("labour", "缺劳力", &[]),
    c("capital", "缺资金", &[]),
    c("transport", "交通条件落后", &[]),
    c("motivation", "自身发展动力不足", &[]),
];

pub static ATTRIBUTE: &[Code] = &[
    c("general", "一般贫困户", &["一般户"]),
    c("dibao", "低保贫困户", &["低保户"]),
    c("wubao", "五保贫困户", &["五保户"]),
];

pub static YES_NO: &[Code] = &[
    c("yes", "是", &["y", "1", "true", "有"]),
    c("no", "否", &["n", "0", "false", "无"]),
];

/// The code list of a coded column, if it has one.
pub fn list_for(col: Col) -> Option<&'static [Code]> {
    Some(match col {
        Col::Sex => SEX,
        Col::Relation => RELATION,
        Col::Health => HEALTH,
        Col::Schooling => SCHOOLING,
        Col::Labour => LABOUR,
        Col::Housing => HOUSING,
        Col::MainCause => MAIN_CAUSE,
        Col::Attribute => ATTRIBUTE,
        Col::PublicEmployee | Col::OwnsCar | Col::TownProperty | Col::Business => YES_NO,
        _ => return None,
    })
}

/// The canonical English code of a value (either language, or an alias).
pub fn lookup(list: &'static [Code], value: &str) -> Option<&'static Code> {
    Lookup::of(list).get(value)
}

/// [`lookup`] in one list, its index found once.
#[derive(Clone, Copy)]
pub struct Lookup {
    list: &'static [Code],
    exact: Option<&'static Exact>,
}

impl Lookup {
    pub fn of(list: &'static [Code]) -> Lookup {
        Lookup {
            list,
            exact: exact(list),
        }
    }

    /// The list looked up in.
    pub fn list(&self) -> &'static [Code] {
        self.list
    }

    /// The canonical English code of a value, as [`lookup`] gives it.
    pub fn get(&self, value: &str) -> Option<&'static Code> {
        // Fast path: the value exactly as a label, a code or an alias is
        // written.
        if let Some(c) = self.exact.and_then(|m| m.get(value)) {
            return Some(c);
        }
        slow(self.list, value)
    }
}

/// [`lookup`] of a value not written exactly as a label, a code or an
/// alias: normalised (NFKC, trimmed) and lower-cased first.
fn slow(list: &'static [Code], value: &str) -> Option<&'static Code> {
    let folded = super::text::normal(value);
    let v = folded.as_ref();
    let lower = v.to_ascii_lowercase();
    list.iter()
        .find(|c| c.zh == v || c.en == lower || c.aliases.iter().any(|a| *a == v || *a == lower))
}

/// Values as written, to their codes: those of up to 16 bytes (nearly
/// all) keyed by a few integers read from their bytes, so that a look-up
/// hashes and compares integers, not strings.
#[derive(Default)]
struct Exact {
    short: rustc_hash::FxHashMap<(u64, u64, u8), &'static Code>,
    long: rustc_hash::FxHashMap<&'static str, &'static Code>,
}

impl Exact {
    /// A value of up to 16 bytes as integers that, with its length, give
    /// back every byte (read in two overlapping halves).
    fn short_key(v: &str) -> Option<(u64, u64, u8)> {
        let b = v.as_bytes();
        let n = b.len();
        let u32_at = |i: usize| {
            b.get(i..i + 4)
                .and_then(|x| x.try_into().ok())
                .map(u32::from_le_bytes)
        };
        let u64_at = |i: usize| {
            b.get(i..i + 8)
                .and_then(|x| x.try_into().ok())
                .map(u64::from_le_bytes)
        };
        let (lo, hi) = match n {
            0 => (0, 0),
            1..=3 => (
                b[0] as u64 | (b[n / 2] as u64) << 8 | (b[n - 1] as u64) << 16,
                0,
            ),
            4..=7 => (u32_at(0)? as u64, u32_at(n - 4)? as u64),
            8..=16 => (u64_at(0)?, u64_at(n - 8)?),
            _ => return None,
        };
        Some((lo, hi, n as u8))
    }

    fn get(&self, v: &str) -> Option<&'static Code> {
        match Exact::short_key(v) {
            Some(k) => self.short.get(&k).copied(),
            None => self.long.get(v).copied(),
        }
    }

    /// Add a value unless one of the same text is in.
    fn claim(&mut self, v: &'static str, c: &'static Code) {
        match Exact::short_key(v) {
            Some(k) => self.short.entry(k).or_insert(c),
            None => self.long.entry(v).or_insert(c),
        };
    }
}

/// Every list's values as written, to the code `lookup` gives them: the
/// Chinese labels first, then each code's English code and aliases that
/// folding, trimming and lower-casing leave unchanged (so that an exact hit
/// gives what the slow path would), the first code to claim a value winning.
fn exact(list: &'static [Code]) -> Option<&'static Exact> {
    static INDEX: std::sync::OnceLock<Vec<(usize, Exact)>> = std::sync::OnceLock::new();
    let index = INDEX.get_or_init(|| {
        [
            SEX, RELATION, HEALTH, SCHOOLING, LABOUR, HOUSING, MAIN_CAUSE, ATTRIBUTE, YES_NO,
        ]
        .iter()
        .map(|list| {
            let mut m = Exact::default();
            for c in list.iter() {
                m.claim(c.zh, c);
            }
            for c in list.iter() {
                for v in std::iter::once(&c.en).chain(c.aliases) {
                    if super::text::normal(v).to_ascii_lowercase() == *v {
                        m.claim(v, c);
                    }
                }
            }
            (list.as_ptr() as usize, m)
        })
        .collect()
    });
    let at = list.as_ptr() as usize;
    index.iter().find(|(p, _)| *p == at).map(|(_, m)| m)
}

/// The accepted values of a list, for messages: `户主/head, 配偶/spouse, …`.
pub fn accepted(list: &[Code]) -> String {
    list.iter()
        .map(|c| format!("{}/{}", c.zh, c.en))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The sex a relation label implies, if any.
pub fn relation_sex(value: &str) -> Option<Sex> {
    static INDEX: std::sync::OnceLock<rustc_hash::FxHashMap<&'static str, Sex>> =
        std::sync::OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut m = rustc_hash::FxHashMap::default();
        for (l, s) in RELATION_SEX {
            m.entry(*l).or_insert(*s);
        }
        m
    });
    index.get(value.trim()).copied()
}

/// A yes/no cell: `Some(true)` for yes, `Some(false)` for no or blank,
/// `None` when the value is not a yes/no word.
pub fn yes_no(value: &str) -> Option<bool> {
    if value.trim().is_empty() {
        return Some(false);
    }
    lookup(YES_NO, value).map(|c| c.en == "yes")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `lookup` without its index, as it was written first.
    fn slow(list: &'static [Code], value: &str) -> Option<&'static Code> {
        if let Some(c) = list.iter().find(|c| c.zh == value) {
            return Some(c);
        }
        let folded = crate::domain::text::fold_width(value);
        let v = folded.trim();
        let lower = v.to_ascii_lowercase();
        list.iter().find(|c| {
            c.zh == v || c.en == lower || c.aliases.iter().any(|a| *a == v || *a == lower)
        })
    }

    #[test]
    fn the_index_gives_what_the_scan_gives() {
        let lists = [
            SEX, RELATION, HEALTH, SCHOOLING, LABOUR, HOUSING, MAIN_CAUSE, ATTRIBUTE, YES_NO,
        ];
        for list in lists {
            assert!(exact(list).is_some());
            for other in lists {
                for c in other.iter() {
                    for v in [c.zh, c.en].iter().chain(c.aliases) {
                        for value in [v.to_string(), v.to_uppercase(), format!(" {v} ")] {
                            assert_eq!(
                                lookup(list, &value).map(|c| c.en),
                                slow(list, &value).map(|c| c.en),
                                "{value:?}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn both_languages_and_aliases() {
        assert_eq!(lookup(RELATION, "户主").map(|c| c.en), Some("head"));
        assert_eq!(lookup(RELATION, "Head").map(|c| c.en), Some("head"));
        assert_eq!(lookup(RELATION, "之儿媳").map(|c| c.en), Some("child"));
        assert_eq!(
            lookup(HEALTH, "患有大病").map(|c| c.en),
            Some("serious_illness")
        );
        assert!(lookup(HEALTH, "很好").is_none());
    }

    #[test]
    fn relation_implies_sex() {
        assert_eq!(relation_sex("之子"), Some(Sex::Male));
        assert_eq!(relation_sex("之儿媳"), Some(Sex::Female));
        assert_eq!(relation_sex("子女"), None);
    }

    #[test]
    fn yes_no_words() {
        assert_eq!(yes_no("是"), Some(true));
        assert_eq!(yes_no("Y"), Some(true));
        assert_eq!(yes_no("0"), Some(false));
        assert_eq!(yes_no(""), Some(false));
        assert_eq!(yes_no("也许"), None);
    }

    #[test]
    fn accepted_lists_both_labels() {
        assert_eq!(accepted(HOUSING), "安全/safe, 危房/unsafe");
    }

    proptest::proptest! {
        /// Two values of up to 16 bytes have the same key only when equal.
        #[test]
        fn short_keys_tell_values_apart(a in "[a中户 ]{0,6}", b in "[a中户 ]{0,6}") {
            if let (Some(ka), Some(kb)) = (Exact::short_key(&a), Exact::short_key(&b)) {
                proptest::prop_assert_eq!(ka == kb, a == b);
            }
        }
    }
}
