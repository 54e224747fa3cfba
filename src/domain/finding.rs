//! Findings: every data problem, located and worded for the clerk.

use serde::Serialize;
use std::fmt;
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn en(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "提示",
        }
    }
}

/// Where a value came from: file, sheet and 1-based row as the clerk sees it.
/// The names are shared by every row of a sheet.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Source {
    pub file: Arc<str>,
    pub sheet: Arc<str>,
    pub row: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub severity: Severity,
    /// A stable short name of the kind of problem, e.g. `id_check_digit`.
    pub kind: &'static str,
    pub file: String,
    pub sheet: String,
    /// 0 when the finding is not about one row.
    pub row: u64,
    pub column: String,
    pub village: String,
    pub household: String,
    pub message: String,
}

impl Finding {
    pub fn new(severity: Severity, kind: &'static str, message: impl Into<String>) -> Finding {
        Finding {
            severity,
            kind,
            file: String::new(),
            sheet: String::new(),
            row: 0,
            column: String::new(),
            village: String::new(),
            household: String::new(),
            message: message.into(),
        }
    }
    pub fn error(kind: &'static str, message: impl Into<String>) -> Finding {
        Finding::new(Severity::Error, kind, message)
    }
    pub fn warning(kind: &'static str, message: impl Into<String>) -> Finding {
        Finding::new(Severity::Warning, kind, message)
    }
    pub fn at(mut self, src: &Source) -> Finding {
        self.file = src.file.to_string();
        self.sheet = src.sheet.to_string();
        self.row = src.row;
        self
    }
    pub fn column(mut self, column: &str) -> Finding {
        self.column = column.to_string();
        self
    }
    pub fn household(mut self, village: &str, household: &str) -> Finding {
        self.village = village.to_string();
        self.household = household.to_string();
        self
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// One line for the clerk: `error: 双河村.xlsx sheet 申请表 row 7 身份证号, 双河村 household 3: …`.
impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut place = self.file.clone();
        if !self.sheet.is_empty() {
            place.push_str(&format!(" sheet {}", self.sheet));
        }
        if self.row > 0 {
            place.push_str(&format!(" row {}", self.row));
        }
        if !self.column.is_empty() {
            place.push_str(&format!(" {}", self.column));
        }
        let hh = if self.household.is_empty() {
            self.village.clone()
        } else {
            format!("{} household {}", self.village, self.household)
        };
        write!(
            f,
            "{}: {place}{}{}: {}",
            self.severity.en(),
            if place.is_empty() || hh.is_empty() {
                ""
            } else {
                ", "
            },
            hh,
            self.message
        )
    }
}

/// Human descriptions of each kind of finding, for the counts sheet.
pub fn kind_label(kind: &str) -> &'static str {
    match kind {
        "id_shape" => "身份证号格式不对",
        "id_birth_date" => "身份证号出生日期无效",
        "id_check_digit" => "身份证号校验位错误",
        "id_placeholder" => "身份证号为占位号码",
        "id_stored_as_number" => "身份证号存成了数字",
        "id_converted" => "15位身份证号已升位",
        "id_duplicate" => "身份证号重复",
        "sex_mismatch" => "性别与身份证号不符",
        "no_head" => "没有户主",
        "two_heads" => "户主多于一人",
        "size_mismatch" => "家庭人口与所列人数不符",
        "household_cells_disagree" => "户级信息前后不一致",
        "required_empty" => "必填项为空",
        "code_value" => "代码值不在列表中",
        "income_not_number" => "收入不是数字",
        "income_missing" => "未填收入",
        "income_disagree" => "家庭年纯收入与人均纯收入不符",
        "income_negative" => "收入为负数",
        "village_unknown" => "村不在村名册中",
        "village_no_applications" => "村未上报申请",
        "relation_sex" => "与户主关系与性别不符",
        "schooling_age" => "在校生状况与年龄不符",
        "household_duplicate" => "户编号重复",
        "file_unreadable" => "文件无法读取",
        "survey_unknown_household" => "核查户不在登记表中",
        "survey_verdict" => "核实结论无效",
        "survey_not_covered" => "未入户核查",
        "survey_value" => "核查表数值无效",
        _ => "其他",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_sheet_row_column_and_household() {
        let src = Source {
            file: "双河村.xlsx".into(),
            sheet: "申请表".into(),
            row: 7,
        };
        let f = Finding::error("id_check_digit", "the check digit should be 5")
            .at(&src)
            .column("身份证号")
            .household("双河村", "3");
        assert_eq!(
            f.to_string(),
            "error: 双河村.xlsx sheet 申请表 row 7 身份证号, 双河村 household 3: the check digit should be 5"
        );
    }

    #[test]
    fn display_without_place_or_household_has_no_separator() {
        let f = Finding::warning("village_no_applications", "no applications");
        assert_eq!(f.to_string(), "warning: : no applications");
        let v =
            Finding::warning("village_no_applications", "no applications").household("双河村", "");
        assert_eq!(v.to_string(), "warning: 双河村: no applications");
    }
}
