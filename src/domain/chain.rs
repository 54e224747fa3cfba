//! The chain of stages (DESIGN 1, 5), defined once: which steps there are,
//! in which order, the campaign folder each reads, the lists each reads and
//! writes. Dispatch, `run`, `demo`, `status`, the staleness checks and the
//! journal all read this table; adding a stage means one entry here, one
//! command module and one workbook layout.
//!
//! Pure data: nothing here reads or writes files.

use std::fmt;

/// 公示轮次: the three rounds of publicity and review, in the order they
/// happen. On the command line and in files it is `--stage village|town|county`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum Round {
    Village,
    Town,
    County,
}

impl Round {
    pub const ALL: [Round; 3] = [Round::Village, Round::Town, Round::County];

    /// The round's name in `schedule.csv`, in file names and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Round::Village => "village",
            Round::Town => "town",
            Round::County => "county",
        }
    }

    pub fn from_name(s: &str) -> Option<Round> {
        Round::ALL.into_iter().find(|r| r.name() == s.trim())
    }

    /// The round before this one, whose end this one starts after.
    pub fn previous(self) -> Option<Round> {
        match self {
            Round::Village => None,
            Round::Town => Some(Round::Village),
            Round::County => Some(Round::Town),
        }
    }

    /// The list this round's notices are made from and its review reads.
    pub fn input(self) -> List {
        match self.previous() {
            None => List::Appraised,
            Some(r) => List::Reviewed(r),
        }
    }
}

impl fmt::Display for Round {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A list that passes from stage to stage, in `out/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum List {
    /// 花名册: `register.csv`, every applicant person.
    Register,
    /// 入户调查: `survey.csv`, verified values.
    Survey,
    /// 初选名单: `primary-list.csv`.
    Primary,
    /// 民主评议: `appraised.csv`.
    Appraised,
    /// `after-<round>-review.csv`.
    Reviewed(Round),
    /// 最终名单: `final-list.csv`.
    Final,
}

impl List {
    pub const ALL: [List; 8] = [
        List::Register,
        List::Survey,
        List::Primary,
        List::Appraised,
        List::Reviewed(Round::Village),
        List::Reviewed(Round::Town),
        List::Reviewed(Round::County),
        List::Final,
    ];

    /// Its file name in `out/`.
    pub fn file(self) -> &'static str {
        match self {
            List::Register => "register.csv",
            List::Survey => "survey.csv",
            List::Primary => "primary-list.csv",
            List::Appraised => "appraised.csv",
            List::Reviewed(Round::Village) => "after-village-review.csv",
            List::Reviewed(Round::Town) => "after-town-review.csv",
            List::Reviewed(Round::County) => "after-county-review.csv",
            List::Final => "final-list.csv",
        }
    }

    /// The step that writes it.
    pub fn written_by(self) -> Step {
        match self {
            List::Register => Step::Import,
            List::Survey => Step::Survey,
            List::Primary => Step::Screen,
            List::Appraised => Step::Appraise,
            List::Reviewed(r) => Step::Review(r),
            List::Final => Step::Review(Round::County),
        }
    }
}

impl fmt::Display for List {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "out/{}", self.file())
    }
}

/// A campaign folder a step reads its sheets from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Folder {
    /// `applications`, `survey`, `appraisal`, `review`.
    pub name: &'static str,
    /// The beginning of the file names of this step (the review's round), or "".
    pub prefix: &'static str,
    /// What the step waits for, for the clerk.
    pub what: &'static str,
    /// Whether the chain goes on without it (the survey is optional).
    pub optional: bool,
}

impl Folder {
    /// The round of publicity a file's name says it belongs to (DESIGN 7):
    /// it begins with `village`/`村`, `town`/`乡`/`镇` or `county`/`县`,
    /// in any case or width.
    pub fn round_named(file_name: &str) -> Option<Round> {
        let n = crate::domain::text::fold_width(file_name)
            .trim()
            .to_lowercase();
        let begins = |words: &[&str]| words.iter().any(|w| n.starts_with(w));
        if begins(&["village", "村"]) {
            Some(Round::Village)
        } else if begins(&["town", "乡", "镇"]) {
            Some(Round::Town)
        } else if begins(&["county", "县"]) {
            Some(Round::County)
        } else {
            None
        }
    }

    /// Whether the step reads a file of this folder, by its name: every
    /// file, or for a round's review the files named for that round
    /// ([`Folder::round_named`]) and those named for none, which may say
    /// their round in a column `阶段` (stage) and are an error otherwise.
    pub fn holds(&self, file_name: &str) -> bool {
        match Round::from_name(self.prefix) {
            None => true,
            Some(r) => Folder::round_named(file_name).is_none_or(|n| n == r),
        }
    }
}

/// A step of the chain: a command as `run` runs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    Import,
    Survey,
    Screen,
    Appraise,
    Notice(Round),
    Review(Round),
    Bind,
}

impl Step {
    /// Every step, in the order `run` takes them.
    pub const ALL: [Step; 11] = [
        Step::Import,
        Step::Survey,
        Step::Screen,
        Step::Appraise,
        Step::Notice(Round::Village),
        Step::Review(Round::Village),
        Step::Notice(Round::Town),
        Step::Review(Round::Town),
        Step::Notice(Round::County),
        Step::Review(Round::County),
        Step::Bind,
    ];

    /// Its position in the chain: a step never reads what a later one writes.
    pub fn order(self) -> usize {
        Step::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    /// The subcommand's name.
    pub fn command(self) -> &'static str {
        match self {
            Step::Import => "import",
            Step::Survey => "survey",
            Step::Screen => "screen",
            Step::Appraise => "appraise",
            Step::Notice(_) => "notice",
            Step::Review(_) => "review",
            Step::Bind => "bind",
        }
    }

    /// Its round of publicity, for `notice` and `review`.
    pub fn round(self) -> Option<Round> {
        match self {
            Step::Notice(r) | Step::Review(r) => Some(r),
            _ => None,
        }
    }

    /// The arguments after `fupin` that run it with its defaults.
    pub fn args(self) -> Vec<&'static str> {
        let mut v = vec![self.command()];
        if let Some(r) = self.round() {
            v.extend(["--stage", r.name()]);
        }
        v
    }

    /// The step from a command's name and its `--stage`, as the journal
    /// records them.
    pub fn find(command: &str, round: Option<Round>) -> Option<Step> {
        Step::ALL
            .into_iter()
            .find(|s| s.command() == command && s.round() == round)
    }

    /// The campaign folder it reads its sheets from.
    pub fn folder(self) -> Option<Folder> {
        let f = |name, prefix, what, optional| {
            Some(Folder {
                name,
                prefix,
                what,
                optional,
            })
        };
        match self {
            Step::Import => f(
                "applications",
                "",
                "the village application sheets in applications/",
                false,
            ),
            Step::Survey => f("survey", "", "survey result sheets in survey/", true),
            Step::Appraise => f(
                "appraisal",
                "",
                "the appraisal meeting and vote sheets in appraisal/",
                false,
            ),
            Step::Review(Round::Village) => f(
                "review",
                "village",
                "the village publicity's decision sheet in review/ (a file named village… or 村…, or a sheet with village rows in its column 阶段 stage)",
                false,
            ),
            Step::Review(Round::Town) => f(
                "review",
                "town",
                "the town review's decision sheet in review/ (a file named town…, 镇… or 乡…, or a sheet with town rows in its column 阶段 stage)",
                false,
            ),
            Step::Review(Round::County) => f(
                "review",
                "county",
                "the county review's decision sheet in review/ (a file named county… or 县…, or a sheet with county rows in its column 阶段 stage)",
                false,
            ),
            Step::Screen | Step::Notice(_) | Step::Bind => None,
        }
    }

    /// The lists it reads; each must exist and be up to date first.
    pub fn reads(self) -> Vec<List> {
        match self {
            Step::Import => vec![],
            Step::Survey => vec![List::Register],
            Step::Screen => vec![List::Register],
            Step::Appraise => vec![List::Primary],
            Step::Notice(r) => vec![r.input(), List::Register],
            Step::Review(r) => vec![r.input()],
            Step::Bind => vec![List::Final, List::Register, List::Primary],
        }
    }

    /// The lists it writes.
    pub fn writes(self) -> Vec<List> {
        List::ALL
            .into_iter()
            .filter(|l| l.written_by() == self)
            .collect()
    }
}

impl fmt::Display for Step {
    /// `fupin notice --stage town`, as the clerk would type it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "fupin {}", self.args().join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_is_written_by_one_step_and_read_only_after_it() {
        for l in List::ALL {
            let w = l.written_by();
            assert!(w.writes().contains(&l), "{l} not among {w}'s outputs");
            for s in Step::ALL.iter().filter(|s| s.reads().contains(&l)) {
                assert!(s.order() > w.order(), "{s} reads {l} before {w} writes it");
            }
        }
    }

    #[test]
    fn steps_are_found_from_what_the_journal_records() {
        for s in Step::ALL {
            assert_eq!(Step::find(s.command(), s.round()), Some(s));
        }
        assert_eq!(Step::find("notice", None), None);
        assert_eq!(Step::find("status", None), None);
        assert_eq!(
            Step::Review(Round::Town).to_string(),
            "fupin review --stage town"
        );
        assert_eq!(
            List::Reviewed(Round::County).file(),
            "after-county-review.csv"
        );
        assert_eq!(Round::County.input(), List::Reviewed(Round::Town));
        assert_eq!(Round::Village.input(), List::Appraised);
    }

    #[test]
    fn a_review_file_belongs_to_the_round_its_name_says() {
        let review = |r| Step::Review(r).folder().unwrap(); // ok: test code, not built into fupin
        for (name, round) in [
            ("village-objections.csv", Some(Round::Village)),
            ("Village.xlsx", Some(Round::Village)),
            ("村级公示异议处理.csv", Some(Round::Village)),
            ("镇级复核.xlsx", Some(Round::Town)),
            ("乡审核.csv", Some(Round::Town)),
            ("ＴＯＷＮ.csv", Some(Round::Town)),
            ("县级复审.csv", Some(Round::County)),
            ("county.csv", Some(Round::County)),
            ("异议处理.csv", None),
            ("双河村.csv", None),
        ] {
            assert_eq!(Folder::round_named(name), round, "{name}");
            for r in Round::ALL {
                assert_eq!(review(r).holds(name), round.is_none_or(|n| n == r));
            }
        }
        let apps = Step::Import.folder().unwrap(); // ok: test code, not built into fupin
        assert!(apps.holds("村级.csv") && apps.holds("town.csv"));
    }

    #[test]
    fn file_names_are_distinct() {
        let mut names: Vec<&str> = List::ALL.iter().map(|l| l.file()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), List::ALL.len());
    }
}
