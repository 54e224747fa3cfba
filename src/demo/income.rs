//! Household incomes as a clerk writes them: whole yuan, yuan and fen,
//! `3,200` or `3200元`, always on the intended side of the standard.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// The income standard in fen per person.
pub const STANDARD_FEN: i64 = 332_200;

/// Net income in fen and as a clerk would write it; below the standard per
/// person exactly when `eligible`.
pub fn income(rng: &mut ChaCha8Rng, n: i64, eligible: bool) -> (i64, String) {
    if !eligible && rng.gen_bool(0.01) {
        // Exactly on the line: not below it.
        let fen = STANDARD_FEN * n;
        return (fen, (fen / 100).to_string());
    }
    let (lo, hi) = if eligible {
        (120_000 * n, STANDARD_FEN * n - 1)
    } else {
        (STANDARD_FEN * n, 600_000 * n)
    };
    let raw = rng.gen_range(lo..=hi);
    let r: f64 = rng.gen();
    // Rounding keeps the household on its side of the line.
    let fen = if r < 0.3 {
        raw
    } else {
        let unit = if r < 0.5 { 10_000 } else { 100 };
        if eligible {
            raw / unit * unit
        } else {
            (raw + unit - 1) / unit * unit
        }
    };
    let text = if fen % 100 != 0 {
        fen_text(fen)
    } else {
        let yuan = fen / 100;
        let r: f64 = rng.gen();
        if r < 0.06 && yuan >= 1000 {
            format!("{},{:03}", yuan / 1000, yuan % 1000)
        } else if r < 0.12 {
            format!("{yuan}元")
        } else {
            yuan.to_string()
        }
    };
    (fen, text)
}

/// Fen as yuan with two decimals.
pub fn fen_text(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn incomes_stay_on_their_side_of_the_line() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        for i in 0..5000 {
            let n = 1 + i % 7;
            let eligible = i % 2 == 0;
            let (fen, text) = income(&mut rng, n, eligible);
            assert_eq!(fen < STANDARD_FEN * n, eligible, "{fen} {n}");
            let digits: String = text
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let back = (digits.parse::<f64>().unwrap() * 100.0).round() as i64; // ok: test code, not built into fupin
            assert_eq!(back, fen, "{text}");
        }
    }
}
