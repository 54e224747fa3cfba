//! What `import` and `check` both do with the register's findings: write
//! them (CSV and workbook), say how many there are and where, and set the
//! exit status. Not a command: shared by two.

use anyhow::Result;
use serde_json::{json, Value};
use std::collections::BTreeMap;

use super::{Ctx, Report};
use crate::domain::campaign::Campaign;
use crate::domain::finding::{kind_label, Finding, Severity};
use crate::io::{findings as findings_io, xlsx};

/// Sort and write the findings (CSV and workbook), print the summary, set
/// the exit status; returns the counts for `--json`.
pub fn finish(
    ctx: &Ctx,
    campaign: &Campaign,
    findings: &mut [Finding],
    report: &mut Report,
) -> Result<Value> {
    findings_io::sort(findings);
    let out = ctx.out();
    let csv_path = out.join("findings.csv");
    let xlsx_path = out.join("findings.xlsx");
    findings_io::write_csv(&csv_path, findings)?;
    xlsx::findings::write_findings(&xlsx_path, findings, campaign)?;
    report.outputs.extend([csv_path, xlsx_path.clone()]);
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings.len() - errors;
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for f in findings.iter() {
        *by_kind.entry(f.kind).or_default() += 1;
    }
    ctx.say(format!("{errors} errors, {warnings} warnings"));
    for (k, n) in &by_kind {
        ctx.say(format!("  {n:>6}  {k} ({})", kind_label(k)));
    }
    let mut shown: Vec<&Finding> = findings.iter().filter(|f| f.is_error()).take(10).collect();
    if shown.is_empty() {
        shown = findings.iter().take(5).collect();
    }
    for f in shown {
        ctx.say(format!("  {f}"));
    }
    if errors > 0 {
        report.exit = 1;
        report.errors = Some((errors, vec![xlsx_path.clone()]));
        ctx.say(format!(
            "the errors are listed in {}: correct the village sheets and import again",
            ctx.rel(&xlsx_path)
        ));
    }
    Ok(json!({"errors": errors, "warnings": warnings, "by_kind": by_kind}))
}
