//! Command-line arguments (DESIGN 5). Every flag is defined here once, with
//! its help line; every command's `--help` ends with its examples.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

use crate::domain::chain::{Round, Step};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum NoticeFormat {
    /// Workbooks to print and post
    Xlsx,
    /// CSV files for scripts
    Csv,
}

/// Encoding of a CSV application sheet. The aliases are the spellings
/// `--encoding` took as free text before.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Encoding {
    /// Unicode, as most programs save CSV now
    #[value(name = "utf-8", aliases = ["utf8", "utf_8"])]
    Utf8,
    /// The Chinese standard; also GBK and GB2312, which it contains
    #[value(aliases = ["gb-18030", "gb_18030", "gbk", "gb2312", "gb-2312", "gb_2312"])]
    Gb18030,
}

impl From<Encoding> for crate::io::sheet::Encoding {
    fn from(e: Encoding) -> Self {
        match e {
            Encoding::Utf8 => crate::io::sheet::Encoding::Utf8,
            Encoding::Gb18030 => crate::io::sheet::Encoding::Gb18030,
        }
    }
}

/// A count that must be at least one: a demo town of no villages is no
/// town, and clap would take a 0 silently.
fn at_least_one(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

#[derive(Parser, Debug)]
#[command(
    name = "fupin",
    version,
    about = "精准识别与建档立卡: precise identification of poor rural households and their registration",
    after_help = examples::FUPIN
)]
pub struct Cli {
    /// The campaign folder (default: the current directory)
    #[arg(short = 'C', global = true, value_name = "DIR", id = "campaign_dir")]
    pub campaign_dir: Option<PathBuf>,
    /// Print one JSON object describing what was done on stdout
    #[arg(long, global = true)]
    pub json: bool,
    /// Print nothing but errors
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Write a campaign folder: commented campaign.toml, example roster, sub-folders
    #[command(after_help = examples::INIT)]
    Init {
        /// Folder to create (default: the campaign folder)
        dir: Option<PathBuf>,
    },
    /// Write blank application workbooks for every roster village into applications/
    #[command(after_help = examples::TEMPLATE)]
    Template {
        /// Only this village (name or code)
        #[arg(long)]
        village: Option<String>,
    },
    /// Read application sheets into out/register.csv with out/findings.csv and .xlsx
    #[command(after_help = examples::IMPORT)]
    Import {
        /// Files to read (default: everything in applications/)
        files: Vec<PathBuf>,
        /// Village of rows whose 村 column is blank or missing
        #[arg(long)]
        village: Option<String>,
        /// Encoding of CSV files (default: told from their content)
        #[arg(long, value_enum, ignore_case = true)]
        encoding: Option<Encoding>,
    },
    /// Run the checks of the register again and write the findings
    #[command(after_help = examples::CHECK)]
    Check,
    /// Apply survey result sheets: verified incomes, households struck off
    #[command(after_help = examples::SURVEY)]
    Survey {
        /// Survey result sheets to read (default: everything in survey/)
        files: Vec<PathBuf>,
    },
    /// Write the ranked primary list: out/primary-list.csv and .xlsx
    #[command(after_help = examples::SCREEN)]
    Screen {
        /// Write the list even while errors stand, such households invalid
        #[arg(long)]
        provisional: bool,
    },
    /// Apply the villager representatives' appraisal (民主评议)
    #[command(after_help = examples::APPRAISE)]
    Appraise {
        /// Meeting and vote sheets to read (default: everything in appraisal/)
        files: Vec<PathBuf>,
        /// Village of a meeting given on the command line
        #[arg(long)]
        village: Option<String>,
        /// Date of that meeting (YYYY-MM-DD)
        #[arg(long)]
        date: Option<String>,
        /// Representatives present at that meeting
        #[arg(long)]
        present: Option<u32>,
    },
    /// Write the printable publicity notice of a stage for every village
    #[command(after_help = examples::NOTICE)]
    Notice {
        /// The round of publicity: village (第一次公示), town, county (公告)
        #[arg(long, value_enum)]
        stage: Round,
        /// First day of publicity (YYYY-MM-DD); default: the day after the previous stage
        #[arg(long)]
        start: Option<String>,
        /// xlsx for printing, csv for scripts
        #[arg(long, value_enum, default_value_t = NoticeFormat::Xlsx)]
        format: NoticeFormat,
    },
    /// Apply the objections or review decisions of a stage of publicity
    #[command(after_help = examples::REVIEW)]
    Review {
        /// The stage whose review is applied: village, town or county
        #[arg(long, value_enum)]
        stage: Round,
        /// Decision sheets to read (default: review/<stage>*)
        files: Vec<PathBuf>,
        /// Record that the stage passed every household on (no decision sheet)
        #[arg(long)]
        no_changes: bool,
    },
    /// Bind the final list into registration workbooks and the town summary
    #[command(after_help = examples::BIND)]
    Bind,
    /// Run every stage whose inputs are present; over every town when DIR holds several campaigns
    #[command(after_help = examples::RUN)]
    Run {
        /// A campaign folder, or a folder of campaign folders (a county)
        dir: Option<PathBuf>,
        /// Towns run at once in a county (default: the number of cores)
        #[arg(long)]
        jobs: Option<usize>,
    },
    /// Which stages are done, the dates of the schedule, counts at each stage
    #[command(after_help = examples::STATUS)]
    Status {
        /// Re-hash the inputs the journal recorded and name the outputs made
        /// from inputs that changed since (exit 1 when one is stale)
        #[arg(long)]
        verify: bool,
    },
    /// Write a realistic example town and run every stage on it
    #[command(after_help = examples::DEMO)]
    Demo {
        /// Folder to write (default: ./demo-town)
        dir: Option<PathBuf>,
        /// Villages of the town (at least 1)
        #[arg(long, default_value_t = 8, value_parser = at_least_one)]
        villages: usize,
        /// Households that apply, shared among the villages (at least one each)
        #[arg(long, default_value_t = 1200, value_parser = at_least_one)]
        households: usize,
        /// Seed of the generator: the same seed writes the same town
        #[arg(long, default_value_t = 2015)]
        seed: u64,
        /// Write a county of this many towns (villages and households are shared among them)
        #[arg(long, default_value_t = 1, value_parser = at_least_one)]
        towns: usize,
        /// Only write the files; run no stage
        #[arg(long)]
        no_run: bool,
        /// Write no deliberate data errors
        #[arg(long)]
        clean: bool,
    },
}

impl Command {
    pub fn name(&self) -> &'static str {
        match self {
            Command::Init { .. } => "init",
            Command::Template { .. } => "template",
            Command::Import { .. } => "import",
            Command::Check => "check",
            Command::Survey { .. } => "survey",
            Command::Screen { .. } => "screen",
            Command::Appraise { .. } => "appraise",
            Command::Notice { .. } => "notice",
            Command::Review { .. } => "review",
            Command::Status { .. } => "status",
            Command::Bind => "bind",
            Command::Run { .. } => "run",
            Command::Demo { .. } => "demo",
        }
    }

    /// The step of the chain this command performs, however it was asked
    /// (files named, a meeting given, notices as CSV); none for a
    /// provisional list, which the chain does not go on from.
    pub fn step(&self) -> Option<Step> {
        Some(match self {
            Command::Import { .. } => Step::Import,
            Command::Survey { .. } => Step::Survey,
            Command::Screen { provisional: false } => Step::Screen,
            Command::Appraise { .. } => Step::Appraise,
            Command::Notice { stage, .. } => Step::Notice(*stage),
            Command::Review { stage, .. } => Step::Review(*stage),
            Command::Bind => Step::Bind,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The registry's arguments are what the command line takes, and
    /// parse back to the same step.
    #[test]
    fn every_step_of_the_registry_parses_to_itself() {
        for step in Step::ALL {
            let args = std::iter::once("fupin").chain(step.args());
            let cli = Cli::try_parse_from(args).unwrap(); // ok: test code, not built into fupin
            assert_eq!(cli.command.step(), Some(step));
            assert_eq!(cli.command.name(), step.command());
        }
        let cli = Cli::try_parse_from(["fupin", "screen", "--provisional"]).unwrap(); // ok: test code, not built into fupin
        assert_eq!(cli.command.step(), None);
    }
}

/// The examples that end each command's `--help`: the README's, one per
/// command, with what each does.
mod examples {
    pub const FUPIN: &str = "\
Examples:
  Make a campaign folder, fill it, and run every stage whose inputs are there:
    fupin init 孝直镇2015
    fupin -C 孝直镇2015 run
  Try the whole chain on a generated town:
    fupin demo
  One JSON object on stdout, for scripts:
    fupin -C 孝直镇2015 --json screen";

    pub const INIT: &str = "\
Examples:
  campaign.toml (commented), villages.csv and the sub-folders, in a new folder:
    fupin init 孝直镇2015
  The same in the current folder:
    fupin init";

    pub const TEMPLATE: &str = "\
Examples:
  applications/<code>-<village>.xlsx for every village, blank, with drop-downs:
    fupin -C 孝直镇2015 template
  Just one village:
    fupin -C 孝直镇2015 template --village 双河村";

    pub const IMPORT: &str = "\
Examples:
  Every file of applications/:
    fupin -C 孝直镇2015 import
  One village's sheet from elsewhere, a CSV file saved as GBK:
    fupin -C 孝直镇2015 import --village 双河村 ~/双河村.csv --encoding gb18030";

    pub const CHECK: &str = "\
Examples:
  The checks again, on out/register.csv (after campaign.toml or villages.csv changed):
    fupin -C 孝直镇2015 check";

    pub const SURVEY: &str = "\
Examples:
  The result sheets of survey/: verified incomes, households struck off (剔除):
    fupin -C 孝直镇2015 survey
  Named sheets:
    fupin -C 孝直镇2015 survey 核查结果.xlsx";

    pub const SCREEN: &str = "\
Examples:
  The primary list; refused while error findings stand:
    fupin -C 孝直镇2015 screen
  ... or written marked provisional while villages still correct their sheets:
    fupin -C 孝直镇2015 screen --provisional";

    pub const APPRAISE: &str = "\
Examples:
  The meeting and vote sheets of appraisal/:
    fupin -C 孝直镇2015 appraise
  A vote sheet whose meeting is given on the command line:
    fupin -C 孝直镇2015 appraise 评议.xlsx --village 双河村 --date 2015-06-04 --present 38";

    pub const NOTICE: &str = "\
Examples:
  The village notices (第一次公示), from the day after the appraisal meeting:
    fupin -C 孝直镇2015 notice --stage village
  The town notices from a given day, as CSV files:
    fupin -C 孝直镇2015 notice --stage town --start 2015-06-15 --format csv";

    pub const REVIEW: &str = "\
Examples:
  The objections upheld at the village stage (review/village…):
    fupin -C 孝直镇2015 review --stage village
  The town review passed every household on:
    fupin -C 孝直镇2015 review --stage town --no-changes
  The county review, which writes out/final-list.csv:
    fupin -C 孝直镇2015 review --stage county";

    pub const BIND: &str = "\
Examples:
  Registration workbooks and the town summary, once out/final-list.csv exists:
    fupin -C 孝直镇2015 bind";

    pub const RUN: &str = "\
Examples:
  Every stage of one town whose inputs are present:
    fupin run 孝直镇2015
  A folder of towns, two at a time, with county-summary.xlsx:
    fupin run 平阴县 --jobs 2";

    pub const STATUS: &str = "\
Examples:
  Stages done, dates, counts and the next step:
    fupin -C 孝直镇2015 status
  Which outputs are stale since their inputs changed, for a script:
    fupin -C 孝直镇2015 --json status --verify";

    pub const DEMO: &str = "\
Examples:
  A town in ./demo-town, run from applications to registration:
    fupin demo
  Another town, from another seed:
    fupin demo 演示镇 --seed 7
  A county of three towns:
    fupin demo 演示县 --towns 3
  A large town to time, its files only:
    fupin demo /tmp/big --villages 1000 --households 1000000 --no-run";
}
