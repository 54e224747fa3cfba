//! What `fupin status` shows: the done flags of each village, its JSON
//! object, and the two tables for the clerk, laid out by display width.

use serde_json::{json, Value};

use super::{Facts, Village};
use crate::domain::campaign::Lang;
use crate::io::xlsx::common::display_width;

/// A stage's JSON key, Chinese and English label, and whether it is done.
pub(super) type Flags = [(&'static str, &'static str, &'static str, bool); 11];

/// The per-village done flags, in the order of the workflow.
pub(super) fn done(x: &Village, f: &Facts) -> Flags {
    [
        ("register", "登记", "registered", f.has("register.csv")),
        (
            "primary_list",
            "初选",
            "primary list",
            f.has("primary-list.csv"),
        ),
        ("appraisal", "评议", "appraised", f.has("appraised.csv")),
        ("village_notice", "村公示", "village notice", x.notice[0]),
        (
            "village_review",
            "村复核",
            "village review",
            f.has("after-village-review.csv"),
        ),
        ("town_notice", "镇公示", "town notice", x.notice[1]),
        (
            "town_review",
            "镇复核",
            "town review",
            f.has("after-town-review.csv"),
        ),
        ("county_notice", "县公告", "county notice", x.notice[2]),
        (
            "county_review",
            "县复核",
            "county review",
            f.has("after-county-review.csv"),
        ),
        ("final_list", "终选", "final list", f.has("final-list.csv")),
        ("registration", "建档", "bound", x.registration),
    ]
}

pub(super) fn village_json(x: &Village, f: &Facts) -> Value {
    let flags = done(x, f);
    let mut d = serde_json::Map::new();
    for (k, _, _, b) in flags {
        d.insert(k.into(), json!(b));
    }
    let period = |k: usize| match &x.publicity[k] {
        Some((a, b)) => json!({"start": a, "end": b}),
        None => Value::Null,
    };
    json!({
        "code": x.code,
        "name": x.name,
        "done": d,
        "reached": flags.iter().rev().find(|s| s.3).map(|s| s.0),
        "appraisal_date": x.meeting.as_ref().map(|m| m.0.clone()),
        "appraisal_valid": x.meeting.as_ref().and_then(|m| m.1),
        "publicity": {"village": period(0), "town": period(1), "county": period(2)},
        "applicants_households": x.applicants,
        "admitted_households": x.admitted,
        "passed_households": x.passed,
        "kept_after_village": x.kept[0],
        "removed_at_village": x.removed[0],
        "kept_after_town": x.kept[1],
        "removed_at_town": x.removed[1],
        "kept_after_county": x.kept[2],
        "removed_at_county": x.removed[2],
        "final_households": x.final_households,
        "final_persons": x.final_persons,
    })
}

fn num<T: ToString>(n: Option<T>) -> String {
    n.map(|n| n.to_string()).unwrap_or_else(|| "-".into())
}

pub(super) fn counts_table(v: &[Village], flags: &[Flags], lang: Lang) -> Vec<Vec<String>> {
    let head: [&str; 11] = if lang == Lang::En {
        [
            "village",
            "reached",
            "applicants",
            "admitted",
            "passed",
            "kept:village",
            "kept:town",
            "kept:county",
            "final hh",
            "persons",
            "bound",
        ]
    } else {
        [
            "村",
            "进度",
            "申请户",
            "初选户",
            "评议通过",
            "村复核保留",
            "镇复核保留",
            "县复核保留",
            "终选户",
            "终选人",
            "建档",
        ]
    };
    let mut t = vec![head.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
    for (x, f) in v.iter().zip(flags) {
        let reached = f
            .iter()
            .rev()
            .find(|s| s.3)
            .map(|s| if lang == Lang::En { s.2 } else { s.1 })
            .unwrap_or(if lang == Lang::En {
                "not started"
            } else {
                "未开始"
            });
        let review = |k: usize| match (x.kept[k], x.removed[k]) {
            (Some(kept), Some(r)) if r > 0 => format!("{kept} (-{r})"),
            (kept, _) => num(kept),
        };
        t.push(vec![
            x.name.clone(),
            reached.to_string(),
            num(x.applicants),
            num(x.admitted),
            num(x.passed),
            review(0),
            review(1),
            review(2),
            num(x.final_households),
            num(x.final_persons),
            match (x.registration, lang) {
                (true, Lang::En) => "yes".into(),
                (true, Lang::Zh) => "是".into(),
                _ => "-".into(),
            },
        ]);
    }
    t
}

pub(super) fn dates_table(v: &[Village], lang: Lang) -> Vec<Vec<String>> {
    let head: [&str; 5] = if lang == Lang::En {
        [
            "village",
            "meeting",
            "village publicity",
            "town publicity",
            "county notice",
        ]
    } else {
        ["村", "评议会", "村公示", "镇公示", "县公告"]
    };
    let mut t = vec![head.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
    for x in v {
        let meeting = match &x.meeting {
            Some((d, Some(false))) => {
                format!(
                    "{d} ({})",
                    if lang == Lang::En {
                        "invalid"
                    } else {
                        "无效"
                    }
                )
            }
            Some((d, _)) => d.clone(),
            None => "-".into(),
        };
        let mut row = vec![x.name.clone(), meeting];
        row.extend(x.publicity.iter().map(|p| match p {
            Some((a, b)) => format!("{a}~{b}"),
            None => "-".into(),
        }));
        t.push(row);
    }
    t
}

/// Lay out a table by display width: the first `left` columns
/// left-aligned, the others right-aligned, two spaces between.
pub(super) fn table(rows: &[Vec<String>], left: usize) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| display_width(s))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (c, cell) in r.iter().enumerate() {
            let pad = " ".repeat(widths[c].saturating_sub(display_width(cell)));
            if c > 0 {
                line.push_str("  ");
            }
            if c < left {
                line.push_str(cell);
                line.push_str(&pad);
            } else {
                line.push_str(&pad);
                line.push_str(cell);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_by_display_width() {
        let t = table(
            &[
                vec!["村".into(), "申请户".into()],
                vec!["南庞庄村".into(), "12".into()],
                vec!["x".into(), "-".into()],
            ],
            1,
        );
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], "村        申请户");
        assert_eq!(lines[1], "南庞庄村      12");
        assert_eq!(lines[2], "x              -");
        let w: Vec<usize> = lines.iter().map(|l| display_width(l)).collect();
        assert!(w.iter().all(|x| *x == w[0]), "{w:?}");
    }
}
