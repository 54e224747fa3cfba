//! Command-line arguments (DESIGN 5). Every flag is defined here once.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

use crate::domain::chain::Round;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum NoticeFormat {
    Xlsx,
    Csv,
}

#[derive(Parser, Debug)]
#[command(
    name = "fupin",
    version,
    about = "精准识别与建档立卡: precise identification of poor rural households and their registration"
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
    Init {
        /// Folder to create (default: the campaign folder)
        dir: Option<PathBuf>,
    },
    /// Write blank application workbooks for every roster village into applications/
    Template {
        /// Only this village (name or code)
        #[arg(long)]
        village: Option<String>,
    },
    /// Read application sheets into out/register.csv with out/findings.csv and .xlsx
    Import {
        /// Files to read (default: everything in applications/)
        files: Vec<PathBuf>,
        /// Village of rows whose 村 column is blank or missing
        #[arg(long)]
        village: Option<String>,
        /// Encoding of CSV files: utf-8 or gb18030 (default: detected)
        #[arg(long)]
        encoding: Option<String>,
    },
    /// Run the checks of the register again and write the findings
    Check,
    /// Apply survey result sheets (default: everything in survey/)
    Survey { files: Vec<PathBuf> },
    /// Write the ranked primary list: out/primary-list.csv and .xlsx
    Screen {
        /// Write the list even while errors stand, such households invalid
        #[arg(long)]
        provisional: bool,
    },
    /// Apply the villager representatives' appraisal (default: everything in appraisal/)
    Appraise {
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
    Notice {
        #[arg(long, value_enum)]
        stage: Round,
        /// First day of publicity (YYYY-MM-DD); default: the day after the previous stage
        #[arg(long)]
        start: Option<String>,
        /// xlsx for printing, csv for scripts
        #[arg(long, value_enum, default_value_t = NoticeFormat::Xlsx)]
        format: NoticeFormat,
    },
    /// Apply the objections or review decisions of a stage (default: review/<stage>*)
    Review {
        #[arg(long, value_enum)]
        stage: Round,
        files: Vec<PathBuf>,
        /// Record that the stage passed every household on (no decision sheet)
        #[arg(long)]
        no_changes: bool,
    },
    /// Bind the final list into registration workbooks and the town summary
    Bind,
    /// Run every stage whose inputs are present; over every town when DIR holds several campaigns
    Run {
        /// A campaign folder, or a folder of campaign folders (a county)
        dir: Option<PathBuf>,
        /// Towns run at once in a county (default: the number of cores)
        #[arg(long)]
        jobs: Option<usize>,
    },
    /// Which stages are done, the dates of the schedule, counts at each stage
    Status {
        /// Re-hash the inputs the journal recorded and name the outputs made
        /// from inputs that changed since (exit 1 when one is stale)
        #[arg(long)]
        verify: bool,
    },
    /// Write a realistic example town and run every stage on it
    Demo {
        /// Folder to write (default: ./demo-town)
        dir: Option<PathBuf>,
        #[arg(long, default_value_t = 8)]
        villages: usize,
        #[arg(long, default_value_t = 1200)]
        households: usize,
        #[arg(long, default_value_t = 2015)]
        seed: u64,
        /// Write a county of this many towns (villages and households are shared among them)
        #[arg(long, default_value_t = 1)]
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
}
