//! Natural order of household numbers (DESIGN 2.4): `2` before `10`.

use std::cmp::Ordering;

/// Natural order of household numbers: `"2" < "10" < "10a"`. Runs of ASCII
/// digits are compared by their numeric value (of any length), other
/// characters one by one; strings equal in that sense (`"007"` and `"7"`)
/// are then ordered as plain text, so the order is total: `Equal` only for
/// identical strings.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    natural_key_cmp(a.as_bytes(), b.as_bytes()).then_with(|| a.cmp(b))
}

/// Compare token by token, a token being a maximal run of ASCII digits or a
/// single other byte. UTF-8 byte order is code point order, and no byte of a
/// multi-byte character is an ASCII digit, so this is well defined on text.
/// A digit run against another byte compares as its first digit would: every
/// digit sits on the same side of a non-digit byte, so the run's value does
/// not matter and the order stays transitive.
fn natural_key_cmp(a: &[u8], b: &[u8]) -> Ordering {
    let (mut i, mut j) = (0, 0);
    loop {
        match (a.get(i), b.get(j)) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                if x.is_ascii_digit() && y.is_ascii_digit() {
                    let ie = digit_run_end(a, i);
                    let je = digit_run_end(b, j);
                    let o = cmp_digit_runs(&a[i..ie], &b[j..je]);
                    if o != Ordering::Equal {
                        return o;
                    }
                    i = ie;
                    j = je;
                } else if x != y {
                    return x.cmp(y);
                } else {
                    i += 1;
                    j += 1;
                }
            }
        }
    }
}

fn digit_run_end(s: &[u8], from: usize) -> usize {
    s[from..]
        .iter()
        .position(|c| !c.is_ascii_digit())
        .map_or(s.len(), |p| from + p)
}

/// Compare two runs of ASCII digits by value, whatever their length.
fn cmp_digit_runs(a: &[u8], b: &[u8]) -> Ordering {
    let a = strip_leading_zeros(a);
    let b = strip_leading_zeros(b);
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

fn strip_leading_zeros(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&c| c != b'0').unwrap_or(s.len());
    &s[start..]
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    #[test]
    fn numbers_by_value() {
        assert_eq!(natural_cmp("2", "10"), Less);
        assert_eq!(natural_cmp("10", "2"), Greater);
        assert_eq!(natural_cmp("10", "10a"), Less);
        assert_eq!(natural_cmp("9", "10a"), Less);
        assert_eq!(natural_cmp("A2", "A10"), Less);
        assert_eq!(natural_cmp("3-2", "3-10"), Less);
        assert_eq!(natural_cmp("003", "20"), Less);
        assert_eq!(
            natural_cmp("99999999999999999999999", "100000000000000000000000"),
            Less
        );
    }

    #[test]
    fn total_order() {
        assert_eq!(natural_cmp("7", "7"), Equal);
        assert_eq!(natural_cmp("007", "7"), Less);
        assert_eq!(natural_cmp("7", "007"), Greater);
        assert_eq!(natural_cmp("", ""), Equal);
        assert_eq!(natural_cmp("", "0"), Less);
        assert_eq!(natural_cmp("一组2", "一组10"), Less);
    }

    #[test]
    fn sorts_a_list() {
        let mut v = vec!["10a", "2", "10", "1", "b1", "a10", "a2", "02", "100"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["1", "02", "2", "10", "10a", "100", "a2", "a10", "b1"]);
    }
}
