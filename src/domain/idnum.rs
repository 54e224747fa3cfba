//! The resident identity number (居民身份证号码, GB 11643-1999).

use chrono::{Datelike, NaiveDate};

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [u8; 11] = *b"10X98765432";

/// A valid 18-character identity number.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IdNumber(compact_str::CompactString);

/// What is wrong with an identity number cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdError {
    /// Not 18 (or 15) characters of digits with a final digit or X.
    Shape,
    /// The birth date is not a real date (or lies in the future).
    BirthDate,
    /// The check character does not match.
    CheckDigit { expected: char },
    /// A stand-in such as `999999…` or all one digit.
    Placeholder,
    /// A number in scientific notation (`3.70124E+17`): the cell was a
    /// number, which keeps 15 digits, so the last digits are lost and no
    /// check character can be told (DESIGN 7).
    StoredAsNumber,
}

impl IdError {
    pub fn message(&self) -> String {
        match self {
            IdError::Shape => {
                "ID number must be 18 characters (17 digits and a digit or X), or a 15-digit legacy number".into()
            }
            IdError::BirthDate => "ID number holds no real birth date".into(),
            IdError::CheckDigit { expected } => {
                format!("ID number check character is wrong (GB 11643 gives {expected})")
            }
            IdError::Placeholder => "ID number is a placeholder, not a real number".into(),
            IdError::StoredAsNumber => {
                "ID number was stored as a number, which keeps only 15 digits: its last digits are lost; format the column 身份证号 as text and type the number again".into()
            }
        }
    }
}

/// A parsed number and whether it was converted from 15 digits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    pub id: IdNumber,
    pub converted_from_15: bool,
}

/// The GB 11643 check character of 17 digits.
pub fn check_char(first17: &[u8]) -> char {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| (d - b'0') as u32 * w)
        .sum();
    CHECK[(sum % 11) as usize] as char
}

fn is_placeholder(s: &str) -> bool {
    let b = s.as_bytes();
    s.starts_with("999999") || s.starts_with("000000") || b.iter().all(|&c| c == b[0])
}

/// Parse an ID cell, with `today` bounding birth dates.
pub fn parse(cell: &str, today: NaiveDate) -> Result<Parsed, IdError> {
    use compact_str::CompactString;
    let plain = |b: &[u8]| b.len() == 18 && b[..17].iter().all(u8::is_ascii_digit);
    // Most cells are 18 digits, or 17 and an X, as written: nothing to fold.
    let s: CompactString = match cell.as_bytes() {
        b if plain(b) && (b[17].is_ascii_digit() || b[17] == b'X') => cell.into(),
        _ => super::text::fold_width(cell)
            .trim()
            .chars()
            .map(|c| c.to_ascii_uppercase())
            .collect(),
    };
    let b = s.as_bytes();
    if scientific(b) {
        return Err(IdError::StoredAsNumber);
    }
    let (full, converted) = match b.len() {
        18 if plain(b) && (b[17].is_ascii_digit() || b[17] == b'X') => (s.clone(), false),
        15 if b.iter().all(u8::is_ascii_digit) => {
            let mut f = compact_str::format_compact!("{}19{}", &s[..6], &s[6..]);
            let c = check_char(f.as_bytes());
            f.push(c);
            (f, true)
        }
        _ => return Err(IdError::Shape),
    };
    if is_placeholder(&full[..17]) {
        return Err(IdError::Placeholder);
    }
    let birth = birth_date_of(&full).ok_or(IdError::BirthDate)?;
    if birth > today || birth.year() < 1890 {
        return Err(IdError::BirthDate);
    }
    let expected = check_char(&full.as_bytes()[..17]);
    if full.as_bytes()[17] as char != expected {
        return Err(IdError::CheckDigit { expected });
    }
    Ok(Parsed {
        id: IdNumber(full),
        converted_from_15: converted,
    })
}

/// Whether a cell is a number in scientific notation, as a spreadsheet
/// shows (and exports to CSV) a number of more than 15 digits:
/// `3.70124E+17`, `3.701241965050501E+17`, `3E17`.
fn scientific(b: &[u8]) -> bool {
    let Some(e) = b.iter().position(|&c| c == b'E') else {
        return false;
    };
    let (mantissa, exponent) = (&b[..e], &b[e + 1..]);
    let mantissa = mantissa.strip_prefix(b"+").unwrap_or(mantissa);
    let (int, frac) = match mantissa.iter().position(|&c| c == b'.') {
        Some(p) => (&mantissa[..p], Some(&mantissa[p + 1..])),
        None => (mantissa, None),
    };
    let digits = |d: &[u8]| !d.is_empty() && d.iter().all(u8::is_ascii_digit);
    let exponent = exponent
        .strip_prefix(b"+")
        .or_else(|| exponent.strip_prefix(b"-"))
        .unwrap_or(exponent);
    digits(int) && frac.is_none_or(digits) && digits(exponent)
}

/// The date of birth that digits 7 to 14 (YYYYMMDD) give, when it is a
/// real date.
fn birth_date_of(full: &str) -> Option<NaiveDate> {
    let digits = full.as_bytes().get(6..14)?;
    let mut n = 0u32;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u32::from(c - b'0');
    }
    NaiveDate::from_ymd_opt((n / 10_000) as i32, n / 100 % 100, n % 100)
}

/// Sex as the ID number gives it (odd sequence digit: male).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sex {
    Male,
    Female,
}

impl IdNumber {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> NaiveDate {
        birth_date_of(&self.0).unwrap_or_default()
    }

    pub fn sex(&self) -> Sex {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// Age in whole years on `day`.
    pub fn age_on(&self, day: NaiveDate) -> i32 {
        let b = self.birth_date();
        let mut age = day.year() - b.year();
        if (day.month(), day.day()) < (b.month(), b.day()) {
            age -= 1;
        }
        age
    }

    /// A compact key for duplicate detection: 17 digits and the check value.
    pub fn key(&self) -> u64 {
        let b = self.0.as_bytes();
        let mut k: u64 = 0;
        for &d in &b[..17] {
            k = k * 10 + (d - b'0') as u64;
        }
        let last = if b[17] == b'X' {
            10
        } else {
            (b[17] - b'0') as u64
        };
        k * 11 + last
    }
}

/// The ID number a [`IdNumber::key`] was made from.
pub fn text_of_key(key: u64) -> String {
    let last = match key % 11 {
        10 => 'X',
        d => char::from(b'0' + d as u8),
    };
    format!("{:017}{last}", key / 11)
}

/// The masked form for notices: first 6 and last 4 kept, the 8 birth digits
/// starred (`370323********123X`). Anything that is not 18 characters is
/// starred whole but for its last 4.
pub fn mask(id: &str) -> String {
    let chars: Vec<char> = id.trim().chars().collect();
    if chars.len() == 18 {
        let mut s: String = chars[..6].iter().collect();
        s.push_str("********");
        s.extend(&chars[14..]);
        s
    } else {
        let keep = chars.len().saturating_sub(4);
        chars
            .iter()
            .enumerate()
            .map(|(i, c)| if i < keep { '*' } else { *c })
            .collect()
    }
}

/// Build a valid number from an address code, a birth date and a sequence
/// (0..=999): used by the demo generator and tests.
pub fn make(address: u32, birth: NaiveDate, sequence: u32) -> String {
    let mut s = format!(
        "{:06}{:04}{:02}{:02}{:03}",
        address % 1_000_000,
        birth.year(),
        birth.month(),
        birth.day(),
        sequence % 1000
    );
    let c = check_char(s.as_bytes());
    s.push(c);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2015, 6, 1).unwrap() // ok: test code, not built into fupin
    }

    #[test]
    fn valid_number_and_its_parts() {
        let p = parse("11010519491231002X", today()).unwrap(); // ok: test code, not built into fupin
        assert!(!p.converted_from_15);
        assert_eq!(p.id.sex(), Sex::Female);
        assert_eq!(
            p.id.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap() // ok: test code, not built into fupin
        );
        assert_eq!(p.id.age_on(today()), 65);
        assert_eq!(parse("11010519491231002x", today()).unwrap().id, p.id); // ok: test code, not built into fupin
    }

    #[test]
    fn wrong_check_digit() {
        assert_eq!(
            parse("110105194912310021", today()),
            Err(IdError::CheckDigit { expected: 'X' })
        );
    }

    #[test]
    fn impossible_birth_date() {
        let s = make(110105, NaiveDate::from_ymd_opt(1980, 1, 1).unwrap(), 12); // ok: test code, not built into fupin
        let bad = format!("{}0230{}", &s[..10], &s[14..17]);
        let bad = format!("{bad}{}", check_char(bad.as_bytes()));
        assert_eq!(parse(&bad, today()), Err(IdError::BirthDate));
    }

    #[test]
    fn fifteen_digits_convert() {
        let p = parse("110105491231002", today()).unwrap(); // ok: test code, not built into fupin
        assert!(p.converted_from_15);
        assert_eq!(p.id.as_str(), "11010519491231002X");
    }

    #[test]
    fn placeholders_and_shapes() {
        assert_eq!(
            parse("999999199001011234", today()),
            Err(IdError::Placeholder)
        );
        assert_eq!(
            parse("111111111111111111", today()),
            Err(IdError::Placeholder)
        );
        assert_eq!(parse("12345", today()), Err(IdError::Shape));
        assert_eq!(parse("370124E5", today()), Err(IdError::StoredAsNumber));
        assert_eq!(parse("11010519491231002Y", today()), Err(IdError::Shape));
    }

    #[test]
    fn masking() {
        assert_eq!(mask("370323198001011234"), "370323********1234");
        assert_eq!(mask("12345"), "*2345");
    }

    #[test]
    fn keys_give_back_their_number() {
        for n in [
            "11010519491231002X",
            "440524188001010014",
            "000000000000000010",
        ] {
            let id = IdNumber(n.into());
            assert_eq!(text_of_key(id.key()), n);
        }
    }

    #[test]
    fn keys_differ_by_check_char() {
        let a = parse("11010519491231002X", today()).unwrap().id; // ok: test code, not built into fupin
        let b = IdNumber("110105194912310020".into());
        assert_ne!(a.key(), b.key());
    }
}
