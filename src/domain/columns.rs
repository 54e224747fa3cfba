//! The columns of the application sheet (DESIGN 4): both labels, level and
//! whether a value is required.

/// Whether a column belongs to the person or to the whole household.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Person,
    Household,
}

/// One known column of the application sheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Col {
    Village,
    HouseholdId,
    Name,
    Relation,
    IdNumber,
    Sex,
    Health,
    Schooling,
    Labour,
    HouseholdSize,
    NetIncome,
    PerCapitaIncome,
    Housing,
    MainCause,
    Attribute,
    PublicEmployee,
    OwnsCar,
    TownProperty,
    Business,
    Phone,
}

pub struct ColumnSpec {
    pub col: Col,
    pub zh: &'static str,
    pub en: &'static str,
    pub level: Level,
    pub required: bool,
    /// What a clerk should write, for the template's explanation sheet.
    pub note: &'static str,
}

use Col::*;
use Level::*;

pub const COLUMNS: &[ColumnSpec] = &[
    ColumnSpec {
        col: Village,
        zh: "村",
        en: "village",
        level: Person,
        required: true,
        note: "村名或村代码，须在村名册中",
    },
    ColumnSpec {
        col: HouseholdId,
        zh: "户编号",
        en: "household_id",
        level: Person,
        required: true,
        note: "同一户的成员填写相同户编号；村内唯一",
    },
    ColumnSpec {
        col: Name,
        zh: "姓名",
        en: "name",
        level: Person,
        required: true,
        note: "",
    },
    ColumnSpec {
        col: Relation,
        zh: "与户主关系",
        en: "relation",
        level: Person,
        required: true,
        note: "每户须有且仅有一名户主",
    },
    ColumnSpec {
        col: IdNumber,
        zh: "身份证号",
        en: "id_number",
        level: Person,
        required: true,
        note: "18位（旧15位号码自动升位）；请设为文本格式",
    },
    ColumnSpec {
        col: Sex,
        zh: "性别",
        en: "sex",
        level: Person,
        required: false,
        note: "须与身份证号一致",
    },
    ColumnSpec {
        col: Health,
        zh: "健康状况",
        en: "health",
        level: Person,
        required: false,
        note: "",
    },
    ColumnSpec {
        col: Schooling,
        zh: "在校生状况",
        en: "schooling",
        level: Person,
        required: false,
        note: "须与年龄相符",
    },
    ColumnSpec {
        col: Labour,
        zh: "劳动能力",
        en: "labour",
        level: Person,
        required: false,
        note: "",
    },
    ColumnSpec {
        col: HouseholdSize,
        zh: "家庭人口",
        en: "household_size",
        level: Household,
        required: false,
        note: "户主行填写；须等于本户所列人数",
    },
    ColumnSpec {
        col: NetIncome,
        zh: "家庭年纯收入",
        en: "net_income",
        level: Household,
        required: false,
        note: "元/年，户主行填写；与人均纯收入至少填一项",
    },
    ColumnSpec {
        col: PerCapitaIncome,
        zh: "人均纯收入",
        en: "per_capita_income",
        level: Household,
        required: false,
        note: "元/人/年；两项都填时相差不得超过每人1元",
    },
    ColumnSpec {
        col: Housing,
        zh: "住房",
        en: "housing",
        level: Household,
        required: false,
        note: "",
    },
    ColumnSpec {
        col: MainCause,
        zh: "致贫原因",
        en: "main_cause",
        level: Household,
        required: false,
        note: "主要致贫原因",
    },
    ColumnSpec {
        col: Attribute,
        zh: "贫困户属性",
        en: "attribute",
        level: Household,
        required: false,
        note: "",
    },
    ColumnSpec {
        col: PublicEmployee,
        zh: "财政供养人员",
        en: "public_employee",
        level: Household,
        required: false,
        note: "家庭成员有财政供养人员填“是”",
    },
    ColumnSpec {
        col: OwnsCar,
        zh: "拥有车辆",
        en: "owns_car",
        level: Household,
        required: false,
        note: "拥有除农用车以外的车辆填“是”",
    },
    ColumnSpec {
        col: TownProperty,
        zh: "城镇商品房",
        en: "town_property",
        level: Household,
        required: false,
        note: "在城镇购买商品房填“是”",
    },
    ColumnSpec {
        col: Business,
        zh: "经营企业",
        en: "business",
        level: Household,
        required: false,
        note: "经营或注册企业填“是”",
    },
    ColumnSpec {
        col: Phone,
        zh: "联系电话",
        en: "phone",
        level: Household,
        required: false,
        note: "不公示",
    },
];

impl Col {
    pub fn spec(self) -> &'static ColumnSpec {
        &COLUMNS[self as usize]
    }
    pub fn en(self) -> &'static str {
        self.spec().en
    }
    pub fn zh(self) -> &'static str {
        self.spec().zh
    }
    pub fn index(self) -> usize {
        self as usize
    }
    pub fn all() -> impl Iterator<Item = Col> {
        COLUMNS.iter().map(|c| c.col)
    }
    /// The known column a label (Chinese or English, already normalised)
    /// names, if any.
    pub fn from_label(label: &str) -> Option<Col> {
        let lower = label.to_ascii_lowercase();
        COLUMNS
            .iter()
            .find(|c| c.zh == label || c.en == lower)
            .map(|c| c.col)
    }
}

/// Number of known columns.
pub const N_COLS: usize = 20;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_order_matches_enum() {
        assert_eq!(COLUMNS.len(), N_COLS);
        for (i, c) in COLUMNS.iter().enumerate() {
            assert_eq!(c.col as usize, i, "{}", c.en);
        }
    }

    #[test]
    fn labels_in_both_languages() {
        assert_eq!(Col::from_label("户编号"), Some(Col::HouseholdId));
        assert_eq!(Col::from_label("Household_ID"), Some(Col::HouseholdId));
        assert_eq!(Col::from_label("备注"), None);
    }
}
