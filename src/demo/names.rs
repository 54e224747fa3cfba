//! Names for the demo town: village names, surnames and given names that
//! fit a person's generation and sex.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::HashSet;

/// Common surnames of rural Shandong, most frequent first.
const SURNAMES: &[&str] = &[
    "王", "张", "李", "刘", "孙", "赵", "杨", "陈", "徐", "马", "高", "郭", "于", "董", "朱", "胡",
    "韩", "宋", "程", "尹", "田", "孔", "崔", "吕", "魏", "许", "姜", "曹", "梁", "侯", "段", "周",
    "吴", "邵", "孟", "任", "付", "范", "苏", "贾", "丁", "石", "冯", "薛", "谢", "庞", "翟", "颜",
    "鹿", "郝", "秦", "袁", "史", "常", "牛", "乔", "毕", "单", "邢", "司", "纪", "阎", "葛", "蒋",
];

/// Given-name characters by generation and sex.
const OLD_MALE: &[&str] = &[
    "德", "福", "贵", "富", "财", "春", "来", "长", "永", "庆", "广", "振", "金", "宝", "山", "有",
    "顺", "发", "胜", "树", "清", "文", "明", "义", "忠", "厚", "祥", "兴", "全", "成",
];
const OLD_FEMALE: &[&str] = &[
    "秀", "桂", "玉", "凤", "兰", "英", "珍", "芝", "荣", "梅", "花", "霞", "云", "淑", "翠", "香",
    "素", "芳", "琴", "莲", "菊", "爱", "美", "巧", "月",
];
const MID_MALE: &[&str] = &[
    "建", "军", "伟", "强", "勇", "磊", "涛", "斌", "波", "刚", "峰", "东", "明", "华", "平", "辉",
    "亮", "林", "杰", "国", "红", "卫", "新", "海", "立", "志", "忠", "鹏", "庆", "兵",
];
const MID_FEMALE: &[&str] = &[
    "丽", "艳", "红", "霞", "燕", "娟", "敏", "静", "芳", "玲", "萍", "华", "梅", "英", "秀", "莉",
    "春", "凤", "琳", "洁", "慧", "晓", "彩", "红", "艳",
];
const YOUNG_MALE: &[&str] = &[
    "浩", "宇", "轩", "博", "文", "子", "俊", "晨", "鑫", "鹏", "泽", "凯", "睿", "阳", "昊", "天",
    "家", "嘉", "明", "瑞", "一", "思", "豪", "航", "铭", "旭", "磊", "帅", "超", "乐",
];
const YOUNG_FEMALE: &[&str] = &[
    "欣", "怡", "雨", "萱", "佳", "琪", "梦", "思", "婷", "悦", "雪", "涵", "诗", "可", "晴", "瑶",
    "颖", "馨", "蕊", "彤", "蕾", "妍", "静", "文", "佳",
];

/// Pick a surname, favouring the village's few dominant families.
pub fn surname(rng: &mut ChaCha8Rng, dominant: &[&'static str; 3]) -> &'static str {
    let r: f64 = rng.gen();
    if r < 0.55 {
        dominant[rng.gen_range(0..3)]
    } else {
        common_surname(rng)
    }
}

/// A surname from the whole list, the frequent ones more often.
pub fn common_surname(rng: &mut ChaCha8Rng) -> &'static str {
    // Squaring a uniform number skews the pick towards the head of the list.
    let u: f64 = rng.gen();
    let i = ((u * u) * SURNAMES.len() as f64) as usize;
    SURNAMES[i.min(SURNAMES.len() - 1)]
}

/// Three distinct dominant surnames for a village.
pub fn dominant_surnames(rng: &mut ChaCha8Rng) -> [&'static str; 3] {
    let a = common_surname(rng);
    let mut b = common_surname(rng);
    while b == a {
        b = common_surname(rng);
    }
    let mut c = common_surname(rng);
    while c == a || c == b {
        c = common_surname(rng);
    }
    [a, b, c]
}

/// Append a full name (surname and a one- or two-character given name) for a
/// person born in `birth_year` to `out`.
pub fn push_name(
    out: &mut String,
    rng: &mut ChaCha8Rng,
    surname: &str,
    male: bool,
    birth_year: i32,
) {
    let pool = match (birth_year < 1960, birth_year < 1990, male) {
        (true, _, true) => OLD_MALE,
        (true, _, false) => OLD_FEMALE,
        (false, true, true) => MID_MALE,
        (false, true, false) => MID_FEMALE,
        (false, false, true) => YOUNG_MALE,
        (false, false, false) => YOUNG_FEMALE,
    };
    out.push_str(surname);
    let first = pick(rng, pool);
    out.push_str(first);
    if rng.gen_bool(0.7) {
        let mut second = pick(rng, pool);
        if second == first {
            second = pick(rng, pool);
        }
        out.push_str(second);
    }
}

fn pick(rng: &mut ChaCha8Rng, pool: &[&'static str]) -> &'static str {
    pool[rng.gen_range(0..pool.len())]
}

/// Directional or size prefixes of village names (南庞庄, 后鹿泉).
const PREFIXES: &[&str] = &[
    "东", "西", "南", "北", "前", "后", "上", "下", "大", "小", "新",
];
/// The core of a village name: a family name or a feature of the place.
const CORES: &[&str] = &[
    "王", "张", "李", "刘", "孙", "赵", "杨", "陈", "徐", "马", "高", "郭", "于", "董", "朱", "胡",
    "韩", "宋", "程", "尹", "田", "孔", "崔", "吕", "魏", "许", "姜", "曹", "梁", "侯", "段", "庞",
    "鹿", "石", "柳", "桃", "杏", "梨", "枣", "榆", "槐", "双", "三", "五", "龙", "凤", "白", "黄",
    "青", "安", "永", "太", "洪", "孝", "土", "沙", "玉", "金", "银", "狼", "鸡", "牛", "井", "泉",
    "清", "平", "兴", "望", "田", "吉", "丰", "常", "富", "宁",
];
/// The settlement word that ends a village name before 村.
const SUFFIXES: &[&str] = &[
    "庄", "河", "泉", "集", "屯", "店", "寨", "营", "桥", "湖", "岭", "坡", "峪", "洼", "楼", "堂",
    "官庄", "家庄", "沟", "埠", "铺", "园", "山", "口", "崖", "庙", "院", "林", "台", "窝",
];

/// `n` distinct village names, all ending in 村.
pub fn village_names(rng: &mut ChaCha8Rng, n: usize) -> Vec<String> {
    let mut seen: HashSet<String> = HashSet::with_capacity(n * 2);
    let mut names = Vec::with_capacity(n);
    let mut tries = 0usize;
    while names.len() < n {
        let mut s = String::with_capacity(12);
        if rng.gen_bool(0.3) {
            s.push_str(PREFIXES[rng.gen_range(0..PREFIXES.len())]);
        }
        s.push_str(CORES[rng.gen_range(0..CORES.len())]);
        s.push_str(SUFFIXES[rng.gen_range(0..SUFFIXES.len())]);
        tries += 1;
        if tries > n * 20 + 1000 {
            // The syllable space is nearly used up (tens of thousands of
            // villages): number the further villages of a name.
            s.push_str(&chinese_number(names.len() + 1));
        }
        s.push('村');
        if seen.insert(s.clone()) {
            names.push(s);
        }
    }
    names
}

/// A positive number in Chinese digits (一二三…), digit by digit.
fn chinese_number(mut n: usize) -> String {
    const D: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    let mut v = Vec::new();
    loop {
        v.push(D[n % 10]);
        n /= 10;
        if n == 0 {
            break;
        }
    }
    v.iter().rev().collect()
}

/// A name for the roster that is certainly not in it: the village's stem
/// with 新 before it, or a number after it.
pub fn name_not_in(roster: &HashSet<&str>, base: &str) -> String {
    let stem = base.strip_suffix('村').unwrap_or(base);
    let mut candidate = format!("新{stem}村");
    let mut k = 2;
    while roster.contains(candidate.as_str()) {
        candidate = format!("{stem}{}村", chinese_number(k));
        k += 1;
    }
    candidate
}

/// An 11-digit mobile number.
pub fn push_phone(out: &mut String, rng: &mut ChaCha8Rng) {
    const PREFIX: &[&str] = &[
        "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
        "156", "157", "158", "159", "176", "177", "180", "182", "183", "185", "186", "187", "188",
        "189",
    ];
    out.push_str(PREFIX[rng.gen_range(0..PREFIX.len())]);
    let n: u32 = rng.gen_range(0..100_000_000);
    push_padded(out, n as u64, 8);
}

/// Append `n` zero-padded to `width` digits.
pub fn push_padded(out: &mut String, n: u64, width: usize) {
    use std::fmt::Write;
    let _ = write!(out, "{n:0width$}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn village_names_are_unique_and_end_in_cun() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let names = village_names(&mut rng, 3000);
        let set: HashSet<&String> = names.iter().collect();
        assert_eq!(set.len(), 3000);
        assert!(names
            .iter()
            .all(|n| n.ends_with('村') && n.chars().count() >= 3));
    }

    #[test]
    fn names_are_chinese() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        for year in [1940, 1975, 2005] {
            for male in [true, false] {
                let mut s = String::new();
                push_name(&mut s, &mut rng, "王", male, year);
                assert!(s.chars().all(|c| !c.is_ascii()), "{s}");
                assert!((2..=3).contains(&s.chars().count()), "{s}");
            }
        }
        let mut p = String::new();
        push_phone(&mut p, &mut rng);
        assert_eq!(p.len(), 11);
        assert!(p.starts_with('1') && p.bytes().all(|b| b.is_ascii_digit()));
    }

    #[test]
    fn name_outside_roster() {
        let roster: HashSet<&str> = ["双河村", "新双河村"].into_iter().collect();
        let n = name_not_in(&roster, "双河村");
        assert!(!roster.contains(n.as_str()));
    }
}
