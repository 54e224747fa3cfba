//! One applicant household of the demo town: its members (ages, sexes and
//! relations that fit together), their health, schooling and labour, and
//! the household's income, housing, cause of poverty and attribute.

use chrono::{Datelike, NaiveDate};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::ids::{self, IdAllocator};
use super::income::{fen_text, income};
use super::names;

/// The village-level setting a household is drawn in.
pub struct VillageStyle {
    pub dominant: [&'static str; 3],
    /// Relations written with the national form's labels (之子, 之女…).
    pub national_labels: bool,
    /// Share of households whose per-capita income is below the standard.
    pub eligible_share: f64,
    /// Exclusion flags left blank instead of 否.
    pub blank_flags: bool,
}

/// Dates that bound the demo: births end the day before `last_birth + 1`,
/// ages are counted on `today`.
pub struct Calendar {
    pub last_birth: NaiveDate,
    pub today: NaiveDate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Head,
    Spouse,
    Child,
    ChildInLaw,
    Parent,
    Grandchild,
}

#[derive(Clone, Debug)]
pub struct Person {
    pub name: String,
    pub id: String,
    pub male: bool,
    pub age: i32,
    pub role: Role,
    pub relation: &'static str,
    pub sex_cell: &'static str,
    pub health: &'static str,
    pub schooling: &'static str,
    pub labour: &'static str,
    /// A 村 cell other than the village's name (an injected error).
    pub village_cell: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Household {
    /// 户编号
    pub number: u32,
    pub members: Vec<Person>,
    pub size_cell: String,
    pub net_cell: String,
    pub per_capita_cell: String,
    pub housing: &'static str,
    pub cause: &'static str,
    pub attribute: &'static str,
    /// 财政供养人员, 拥有车辆, 城镇商品房, 经营企业
    pub flags: [&'static str; 4],
    pub phone: String,
    /// Declared annual net income in fen.
    pub net_fen: i64,
}

/// Household sizes 1..=7 in per mille: mode 3–4, mean about 3.6.
const SIZE_WEIGHTS: [u32; 7] = [90, 160, 230, 240, 160, 80, 40];

fn draw_size(rng: &mut ChaCha8Rng) -> usize {
    let mut r = rng.gen_range(0..SIZE_WEIGHTS.iter().sum::<u32>());
    for (i, w) in SIZE_WEIGHTS.iter().enumerate() {
        if r < *w {
            return i + 1;
        }
        r -= w;
    }
    4
}

struct Planned {
    role: Role,
    male: bool,
    age: i32,
}

/// Who lives in a household of `size`, with ages that fit the relations.
fn plan_members(rng: &mut ChaCha8Rng, size: usize) -> Vec<Planned> {
    let head_age = if size == 1 {
        if rng.gen_bool(0.75) {
            rng.gen_range(60..=88)
        } else {
            rng.gen_range(40..=59)
        }
    } else {
        rng.gen_range(26..=76)
    };
    let spouse = size >= 2 && rng.gen_bool(if head_age > 70 { 0.7 } else { 0.87 });
    let head_male = rng.gen_bool(if spouse { 0.93 } else { 0.55 });
    let mut out = vec![Planned {
        role: Role::Head,
        male: head_male,
        age: head_age,
    }];
    if spouse {
        let age = (head_age + rng.gen_range(-5..=4)).max(20);
        out.push(Planned {
            role: Role::Spouse,
            male: !head_male,
            age,
        });
    }
    let mut parents = 0;
    let mut in_law = false;
    while out.len() < size {
        let (wc, wp, wg, wi) = match head_age {
            ..=44 => (85, 15, 0, 0),
            45..=59 => (55, 10, 20, 15),
            _ => (40, 0, 40, 20),
        };
        let r = rng.gen_range(0..wc + wp + wg + wi);
        let adult_child = out
            .iter()
            .find(|p| p.role == Role::Child && p.age >= 22)
            .map(|p| (p.male, p.age));
        let planned = if r >= wc && r < wc + wp && parents < 2 && head_age <= 68 {
            let male = if parents == 0 {
                rng.gen_bool(0.5)
            } else {
                !out.iter().any(|p| p.role == Role::Parent && p.male)
            };
            parents += 1;
            let age = (head_age + rng.gen_range(22..=32)).min(95);
            Planned {
                role: Role::Parent,
                male,
                age,
            }
        } else if r >= wc + wp && r < wc + wp + wg && head_age >= 48 {
            let age = (head_age - rng.gen_range(45..=58)).max(0);
            Planned {
                role: Role::Grandchild,
                male: rng.gen_bool(0.52),
                age,
            }
        } else if r >= wc + wp + wg && !in_law && adult_child.is_some() {
            in_law = true;
            let (child_male, child_age) = adult_child.unwrap_or((true, 25));
            let age = (child_age + rng.gen_range(-3..=3)).max(20);
            Planned {
                role: Role::ChildInLaw,
                male: !child_male,
                age,
            }
        } else {
            let lo = (head_age - 38).max(0);
            let hi = (head_age - 20).max(lo);
            let age = rng.gen_range(lo..=hi);
            Planned {
                role: Role::Child,
                male: rng.gen_bool(0.52),
                age,
            }
        };
        out.push(planned);
    }
    // Head, spouse, children (eldest first), in-laws, parents, grandchildren.
    out[1..].sort_by(|a, b| a.role.cmp(&b.role).then(b.age.cmp(&a.age)));
    out
}

fn relation(role: Role, male: bool, national: bool) -> &'static str {
    match (role, national, male) {
        (Role::Head, _, _) => "户主",
        (Role::Spouse, false, _) => "配偶",
        (Role::Spouse, true, true) => "之夫",
        (Role::Spouse, true, false) => "之妻",
        (Role::Child, false, _) => "子女",
        (Role::Child, true, true) => "之子",
        (Role::Child, true, false) => "之女",
        (Role::ChildInLaw, false, _) => "其他",
        (Role::ChildInLaw, true, true) => "之女婿",
        (Role::ChildInLaw, true, false) => "之儿媳",
        (Role::Parent, false, _) => "父母",
        (Role::Parent, true, true) => "之父",
        (Role::Parent, true, false) => "之母",
        (Role::Grandchild, false, _) => "孙子女",
        (Role::Grandchild, true, true) => "之孙子",
        (Role::Grandchild, true, false) => "之孙女",
    }
}

fn health(rng: &mut ChaCha8Rng, age: i32) -> &'static str {
    let (healthy, chronic, serious) = match age {
        ..=17 => (0.95, 0.015, 0.015),
        18..=59 => (0.78, 0.10, 0.07),
        _ => (0.48, 0.32, 0.12),
    };
    let r: f64 = rng.gen();
    if r < healthy {
        "健康"
    } else if r < healthy + chronic {
        "长期慢性病"
    } else if r < healthy + chronic + serious {
        "患有大病"
    } else {
        "残疾"
    }
}

fn schooling(rng: &mut ChaCha8Rng, age: i32) -> &'static str {
    match age {
        ..=5 => "学前",
        13..=16 if rng.gen_bool(0.03) => "辍学",
        6..=11 => "小学",
        12..=14 => "初中",
        15..=17 => {
            if rng.gen_bool(0.6) {
                "高中"
            } else {
                "中职"
            }
        }
        18..=22 if rng.gen_bool(0.3) => "大专及以上",
        _ => "非在校生",
    }
}

fn labour(rng: &mut ChaCha8Rng, age: i32, health: &str, schooling: &str) -> &'static str {
    if age < 16 || !matches!(schooling, "非在校生" | "辍学") {
        return "无劳动力";
    }
    match health {
        "患有大病" if rng.gen_bool(0.6) => "丧失劳动力",
        "残疾" if rng.gen_bool(0.7) => "丧失劳动力",
        "患有大病" | "残疾" | "长期慢性病" => "弱劳动力",
        _ => match age {
            16..=59 if rng.gen_bool(0.2) => "技能劳动力",
            16..=59 => "普通劳动力",
            60..=69 if rng.gen_bool(0.4) => "普通劳动力",
            60..=79 => "弱劳动力",
            _ if rng.gen_bool(0.5) => "弱劳动力",
            _ => "丧失劳动力",
        },
    }
}

/// Draw household number `number`, at least `min_size` persons.
pub fn generate(
    rng: &mut ChaCha8Rng,
    style: &VillageStyle,
    cal: &Calendar,
    alloc: &mut IdAllocator,
    number: u32,
    min_size: usize,
) -> Household {
    let size = draw_size(rng).max(min_size);
    let plan = plan_members(rng, size);
    let head_surname = names::surname(rng, &style.dominant);
    let spouse_surname = other_surname(rng, style, head_surname);
    let head_male = plan.first().map(|p| p.male).unwrap_or(true);
    // The children's family name: the father's.
    let family = if head_male || !plan.iter().any(|p| p.role == Role::Spouse) {
        head_surname
    } else {
        spouse_surname
    };
    let mut members = Vec::with_capacity(size);
    for p in &plan {
        let back = (p.age as f64 * 365.2425) as i64 + rng.gen_range(0..365);
        let wanted = cal.last_birth - chrono::Duration::days(back);
        let home = match p.role {
            Role::Spouse if !head_male => true,
            Role::Spouse | Role::ChildInLaw => rng.gen_bool(0.6),
            _ => rng.gen_bool(0.95),
        };
        let got = alloc.allocate(rng, wanted, p.male, home);
        let age = ids::age_on(got.birth, cal.today);
        let surname = match p.role {
            Role::Head => head_surname,
            Role::Spouse => spouse_surname,
            Role::Child | Role::Grandchild => family,
            Role::Parent if p.male => head_surname,
            Role::Parent | Role::ChildInLaw => other_surname(rng, style, head_surname),
        };
        let mut name = String::with_capacity(9);
        names::push_name(&mut name, rng, surname, p.male, got.birth.year());
        let health = health(rng, age);
        let schooling = schooling(rng, age);
        let labour = labour(rng, age, health, schooling);
        members.push(Person {
            name,
            id: got.id,
            male: p.male,
            age,
            role: p.role,
            relation: relation(p.role, p.male, style.national_labels),
            sex_cell: if p.male { "男" } else { "女" },
            health,
            schooling,
            labour,
            village_cell: None,
        });
    }
    household_cells(rng, style, number, members)
}

fn other_surname(rng: &mut ChaCha8Rng, style: &VillageStyle, not: &str) -> &'static str {
    loop {
        let s = names::surname(rng, &style.dominant);
        if s != not {
            return s;
        }
    }
}

fn household_cells(
    rng: &mut ChaCha8Rng,
    style: &VillageStyle,
    number: u32,
    members: Vec<Person>,
) -> Household {
    let n = members.len() as i64;
    let any = |f: &dyn Fn(&Person) -> bool| members.iter().any(f);
    let head_age = members.first().map(|p| p.age).unwrap_or(50);
    let no_labour = !any(&|p| matches!(p.labour, "普通劳动力" | "技能劳动力"));
    let lost = any(&|p| p.labour == "丧失劳动力");
    let attribute = if n == 1 && head_age >= 60 && rng.gen_bool(0.6) {
        "五保贫困户"
    } else if (no_labour || lost) && rng.gen_bool(0.4) || rng.gen_bool(0.06) {
        "低保贫困户"
    } else {
        "一般贫困户"
    };
    let cause = if any(&|p| p.health == "患有大病") && rng.gen_bool(0.8) {
        "因病"
    } else if any(&|p| p.health == "残疾") && rng.gen_bool(0.8) {
        "因残"
    } else if any(&|p| p.health == "长期慢性病") && rng.gen_bool(0.5) {
        "因病"
    } else if any(&|p| matches!(p.schooling, "高中" | "中职" | "大专及以上")) && rng.gen_bool(0.6)
    {
        "因学"
    } else if no_labour {
        "缺劳力"
    } else {
        const OTHER: [(&str, u32); 7] = [
            ("缺技术", 25),
            ("缺资金", 25),
            ("缺土地", 10),
            ("缺水", 5),
            ("交通条件落后", 5),
            ("自身发展动力不足", 10),
            ("因灾", 8),
        ];
        let mut r = rng.gen_range(0..OTHER.iter().map(|c| c.1).sum::<u32>());
        let mut pick = OTHER[0].0;
        for (c, w) in OTHER {
            if r < w {
                pick = c;
                break;
            }
            r -= w;
        }
        pick
    };
    let housing = if rng.gen_bool(if head_age >= 65 { 0.24 } else { 0.12 }) {
        "危房"
    } else {
        "安全"
    };

    let eligible = rng.gen_bool(style.eligible_share.clamp(0.0, 1.0));
    let (net_fen, net_cell) = income(rng, n, eligible);
    let per_capita_cell = if rng.gen_bool(0.3) {
        fen_text((2 * net_fen + n) / (2 * n))
    } else {
        String::new()
    };

    let no = if style.blank_flags { "" } else { "否" };
    let mut flags = [no; 4];
    // Households on allowances own no car or business.
    if attribute == "一般贫困户" && rng.gen_bool(0.035) {
        let which = [0, 1, 1, 1, 2, 2, 3][rng.gen_range(0..7)];
        flags[which] = "是";
    }
    let mut phone = String::new();
    if rng.gen_bool(0.85) {
        names::push_phone(&mut phone, rng);
    }
    Household {
        number,
        size_cell: n.to_string(),
        members,
        net_cell,
        per_capita_cell,
        housing,
        cause,
        attribute,
        flags,
        phone,
        net_fen,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn sizes_average_near_three_and_a_half() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let total: usize = (0..10_000).map(|_| draw_size(&mut rng)).sum();
        let mean = total as f64 / 10_000.0;
        assert!((3.4..3.8).contains(&mean), "{mean}");
    }

    #[test]
    fn plans_fit_together() {
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        for size in 1..=7 {
            for _ in 0..200 {
                let p = plan_members(&mut rng, size);
                assert_eq!(p.len(), size);
                assert_eq!(p[0].role, Role::Head);
                assert_eq!(p.iter().filter(|m| m.role == Role::Head).count(), 1);
                for m in &p[1..] {
                    match m.role {
                        Role::Spouse => assert_ne!(m.male, p[0].male),
                        Role::Child => assert!(p[0].age - m.age >= 18),
                        Role::Parent => assert!(m.age > p[0].age),
                        _ => assert!(m.age >= 0),
                    }
                }
            }
        }
    }
}
