#!/usr/bin/env python3
"""Regenerate the hand-made inputs of fupin: `examples/town/` and `tests/data/`.

    python3 tests/data/make_fixtures.py            # write every file
    python3 tests/data/make_fixtures.py --expect   # also print the screening of
                                                   # examples/town worked out by
                                                   # this script, to compare with
                                                   # examples/town/EXPECTED.md

Needs python3 (3.8+), openpyxl (`pip install openpyxl`) and, for the .xls and
.ods fixtures, LibreOffice on the PATH (`libreoffice --headless --convert-to`).
Without LibreOffice everything else is still written and a note is printed.

Everything is deterministic: ID numbers come from a seeded generator, so a
re-run gives the same numbers (workbooks differ only in zip timestamps).
`examples/town/EXPECTED.md` is written by hand and is NOT generated; `--expect`
recomputes it independently as a cross-check.
"""

import csv
import datetime as dt
import io
import os
import random
import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal, ROUND_HALF_UP
from fractions import Fraction

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TOWN = os.path.join(ROOT, "examples", "town")
DATA = os.path.join(ROOT, "tests", "data")

# --------------------------------------------------------------------------
# ID numbers (GB 11643-1999)

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"


def check_char(first17):
    return CHECK[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


_rng = random.Random(2015)
_used = set()


def new_id(addr, birth, sex):
    """A valid, campaign-unique 18-character number; sex 'M' or 'F'."""
    while True:
        seq = _rng.randrange(10, 500)
        if (seq % 2 == 1) != (sex == "M"):
            seq += 1
        body = "%06d%s%03d" % (addr, birth.replace("-", ""), seq)
        full = body + check_char(body)
        if full not in _used:
            _used.add(full)
            return full


def age_on(birth, day):
    b = dt.date.fromisoformat(birth)
    return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


# Schooling windows this script enforces on the clean data, stricter than
# DESIGN 2.10, checked at both ends of 2015 so that any reference day works.
SCHOOL_AGES = {
    "学前": (3, 5), "小学": (7, 12), "初中": (12, 15), "高中": (15, 18),
    "大专及以上": (18, 23), "辍学": (12, 16), "非在校生": (17, 120),
}

# --------------------------------------------------------------------------
# Column layout

ZH = ["村", "户编号", "姓名", "与户主关系", "身份证号", "性别", "健康状况", "在校生状况",
      "劳动能力", "家庭人口", "家庭年纯收入", "人均纯收入", "住房", "致贫原因", "贫困户属性",
      "财政供养人员", "拥有车辆", "城镇商品房", "经营企业", "联系电话"]
EN = ["village", "household_id", "name", "relation", "id_number", "sex", "health", "schooling",
      "labour", "household_size", "net_income", "per_capita_income", "housing", "main_cause",
      "attribute", "public_employee", "owns_car", "town_property", "business", "phone"]
FLAGS = ["财政供养人员", "拥有车辆", "城镇商品房", "经营企业"]

# Chinese → English code values (for english.csv)
EN_CODE = {
    "户主": "head", "配偶": "spouse", "之子": "child", "之女": "child", "之儿媳": "child",
    "之父": "parent", "之母": "parent", "之孙子": "grandchild", "之孙女": "grandchild",
    "男": "male", "女": "female",
    "健康": "healthy", "长期慢性病": "chronic", "患有大病": "serious_illness", "残疾": "disabled",
    "非在校生": "not_in_school", "学前": "preschool", "小学": "primary", "初中": "junior",
    "高中": "senior", "中职": "vocational", "大专及以上": "college", "辍学": "dropout",
    "普通劳动力": "ordinary", "技能劳动力": "skilled", "弱劳动力": "weak", "丧失劳动力": "lost",
    "无劳动力": "none", "安全": "safe", "危房": "unsafe",
    "因病": "illness", "因残": "disability", "因学": "education", "因灾": "disaster",
    "缺土地": "land", "缺水": "water", "缺技术": "skills", "缺劳力": "labour", "缺资金": "capital",
    "一般贫困户": "general", "低保贫困户": "dibao", "五保贫困户": "wubao", "是": "yes", "否": "no",
}

# Address codes of first issue: 平阴县 and neighbouring 肥城市, 东阿县, 长清区.
PY, FC, DE, CQ = 370124, 370983, 371524, 370113


def P(name, rel, sex, birth, health="健康", school="非在校生", labour="普通劳动力", addr=PY):
    return dict(name=name, rel=rel, sex=sex, birth=birth, health=health, school=school,
                labour=labour, addr=addr)


def H(hid, net, housing, cause, attr, phone, persons, flags=(), pc=None):
    for p in persons:
        p["id"] = new_id(p["addr"], p["birth"], p["sex"])
    return dict(hid=hid, net=net, housing=housing, cause=cause, attr=attr, phone=phone,
                persons=persons, flags=set(flags), pc=pc)


def rows_of(village, hh, with_pc=False, net_text=None):
    """One row (a dict by Chinese label) per person; household values on the head's row."""
    out = []
    for i, p in enumerate(hh["persons"]):
        r = {k: "" for k in ZH}
        r.update({"村": village, "户编号": str(hh["hid"]), "姓名": p["name"], "与户主关系": p["rel"],
                  "身份证号": p["id"], "性别": "男" if p["sex"] == "M" else "女",
                  "健康状况": p["health"], "在校生状况": p["school"], "劳动能力": p["labour"]})
        if i == 0:
            n = len(hh["persons"])
            r.update({"家庭人口": str(n),
                      "家庭年纯收入": net_text if net_text is not None else hh["net"],
                      "住房": hh["housing"], "致贫原因": hh["cause"], "贫困户属性": hh["attr"],
                      "联系电话": hh["phone"]})
            for f in FLAGS:
                r[f] = "是" if f in hh["flags"] else "否"
            if with_pc:
                pc = (Decimal(hh["net"].replace(",", "").rstrip("元")) / n).quantize(
                    Decimal("0.01"), rounding=ROUND_HALF_UP)
                r["人均纯收入"] = str(pc)
        out.append(r)
    return out


def check_clean(village, hhs):
    """Assert what the brief asks of clean data; returns nothing."""
    start, end = dt.date(2015, 1, 1), dt.date(2015, 12, 31)
    male_rel = {"之子", "之父", "之孙子", "之女婿"}
    female_rel = {"之女", "之母", "之孙女", "之儿媳"}
    for hh in hhs:
        ps = hh["persons"]
        assert ps[0]["rel"] == "户主" and sum(p["rel"] == "户主" for p in ps) == 1, hh["hid"]
        head = ps[0]
        for p in ps:
            idn = p["id"]
            assert check_char(idn[:17]) == idn[17]
            assert (int(idn[16]) % 2 == 1) == (p["sex"] == "M"), p
            if p["rel"] == "配偶":
                assert p["sex"] != head["sex"], p
            if p["rel"] in male_rel:
                assert p["sex"] == "M", p
            if p["rel"] in female_rel:
                assert p["sex"] == "F", p
            lo, hi = SCHOOL_AGES[p["school"]]
            a0, a1 = age_on(p["birth"], start), age_on(p["birth"], end)
            assert lo <= a0 and a1 <= hi, (village, hh["hid"], p["name"], p["school"], a0, a1)
            # a parent is at least 18 years older than a child
            if p["rel"] in ("之子", "之女"):
                assert age_on(head["birth"], start) - a0 >= 18, p


# --------------------------------------------------------------------------
# examples/town

SHUANGHE = [  # 双河村, key village, quota floor(1019 × 0.5) = 509
    H(1, "9600", "危房", "缺资金", "一般贫困户", "13953127416", [
        P("刘长海", "户主", "M", "1968-03-12"),
        P("王秀英", "配偶", "F", "1970-08-05", "长期慢性病", labour="弱劳动力", addr=FC),
        P("刘建伟", "之子", "M", "1994-11-20"),
        P("刘晓燕", "之女", "F", "2004-05-17", school="小学", labour="无劳动力"),
    ]),
    H(2, "7800", "安全", "缺技术", "一般贫困户", "15069158302", [
        P("王德明", "户主", "M", "1975-01-23"),
        P("李桂兰", "配偶", "F", "1977-06-30", addr=CQ),
        P("王子豪", "之子", "M", "2003-09-08", school="小学", labour="无劳动力"),
    ]),
    H(3, "6643.99", "安全", "缺劳力", "低保贫困户", "13864005271", [
        P("张文清", "户主", "M", "1943-02-14", "长期慢性病", labour="弱劳动力"),
        P("赵淑珍", "配偶", "F", "1946-10-03", labour="弱劳动力"),
    ]),
    H(4, "21500", "安全", "缺资金", "一般贫困户", "18753163390", [
        P("李国强", "户主", "M", "1972-07-19", labour="技能劳动力"),
        P("孙丽华", "配偶", "F", "1973-12-01"),
        P("李明", "之子", "M", "1998-02-11", school="高中", labour="无劳动力"),
        P("李娜", "之女", "F", "2002-03-11", school="初中", labour="无劳动力"),
        P("李守田", "之父", "M", "1940-09-09", "长期慢性病", labour="弱劳动力"),
    ]),
    H(5, "2150", "安全", "因残", "五保贫困户", "", [
        P("赵福贵", "户主", "M", "1950-05-06", "残疾", labour="丧失劳动力"),
    ]),
    H(6, "8000", "危房", "因病", "低保贫困户", "13705318846", [
        P("孙玉珍", "户主", "F", "1966-04-02", "患有大病", labour="丧失劳动力"),
        P("马俊杰", "之子", "M", "1990-10-15"),
        P("周静", "之儿媳", "F", "1991-02-27", addr=FC),
        P("马思雨", "之孙女", "F", "2011-07-30", school="学前", labour="无劳动力"),
    ]),
    H(7, "9000", "安全", "缺资金", "一般贫困户", "13589047725", [
        P("张立军", "户主", "M", "1980-06-21", labour="技能劳动力"),
        P("刘芳", "配偶", "F", "1982-09-14"),
        P("张浩然", "之子", "M", "2007-12-05", school="小学", labour="无劳动力"),
    ], flags=["拥有车辆"]),
    H(8, "16800", "安全", "缺劳力", "一般贫困户", "15106427938", [
        P("王树林", "户主", "M", "1962-11-11"),
        P("高秀梅", "配偶", "F", "1963-03-03", "长期慢性病", labour="弱劳动力"),
        P("韩桂芝", "之母", "F", "1936-01-08", "长期慢性病", labour="丧失劳动力", addr=DE),
        P("王海军", "之子", "M", "1986-08-08"),
        P("陈晓丽", "之儿媳", "F", "1988-01-19", addr=FC),
        P("王海涛", "之子", "M", "2000-09-03", school="辍学", labour="无劳动力"),
    ]),
    H(9, "9450", "安全", "缺技术", "一般贫困户", "13953160184", [
        P("李春生", "户主", "M", "1958-02-28"),
        P("杨桂香", "配偶", "F", "1960-07-07"),
        P("李红梅", "之女", "F", "1992-05-16"),
    ]),
    H(10, "7800", "安全", "缺资金", "一般贫困户", "18266530417", [
        P("赵建国", "户主", "M", "1978-10-10"),
        P("马晓红", "配偶", "F", "1979-04-04", addr=CQ),
        P("赵雨萱", "之女", "F", "2005-08-18", school="小学", labour="无劳动力"),
    ]),
    H(11, "7500", "安全", "缺资金", "一般贫困户", "13406419952", [
        P("孙志刚", "户主", "M", "1970-01-30", labour="技能劳动力"),
        P("吴红霞", "配偶", "F", "1971-05-09"),
        P("孙磊", "之子", "M", "1996-07-21"),
    ]),
]

NANPANG = [  # 南庞庄村, quota floor(457 × 0.05) = 22
    H(1, "8,400", "安全", "因学", "一般贫困户", "15153109863", [
        P("庞振华", "户主", "M", "1973-05-14"),
        P("郑玉兰", "配偶", "F", "1974-11-02"),
        P("庞宇", "之子", "M", "2000-03-26", school="辍学", labour="无劳动力"),
    ]),
    H(2, "3321.99", "安全", "缺劳力", "低保贫困户", "", [
        P("孟庆兰", "户主", "F", "1941-12-08", "长期慢性病", labour="弱劳动力"),
    ]),
    H(3, "7200元", "危房", "因学", "一般贫困户", "13793172058", [
        P("庞广田", "户主", "M", "1965-09-30"),
        P("朱秀云", "配偶", "F", "1967-02-12", addr=FC),
        P("庞丽", "之女", "F", "1995-06-06", school="大专及以上", labour="无劳动力"),
        P("庞帅", "之子", "M", "2002-01-15", school="初中", labour="无劳动力"),
    ]),
    H(4, "7200", "安全", "缺技术", "一般贫困户", "18805310726", [
        P("郑大勇", "户主", "M", "1982-04-18"),
        P("庞春燕", "配偶", "F", "1984-08-29"),
        P("郑一鸣", "之子", "M", "2010-11-11", school="学前", labour="无劳动力"),
    ]),
    H(5, "13,288", "安全", "缺资金", "一般贫困户", "13869137541", [
        P("孟宪军", "户主", "M", "1969-07-07"),
        P("赵玉梅", "配偶", "F", "1970-03-21", addr=DE),
        P("孟凡超", "之子", "M", "1993-12-12"),
        P("孟凡月", "之女", "F", "2001-10-01", school="初中", labour="无劳动力"),
    ]),
    H(6, "14500", "安全", "缺资金", "一般贫困户", "15588402316", [
        P("庞金山", "户主", "M", "1959-01-05"),
        P("李凤英", "配偶", "F", "1961-06-16"),
        P("庞海波", "之子", "M", "1984-02-02"),
        P("吕娟", "之儿媳", "F", "1986-09-09", addr=FC),
        P("庞子涵", "之孙女", "F", "2010-05-05", school="学前", labour="无劳动力"),
    ]),
    H(7, "4000", "安全", "因病", "低保贫困户", "13176502948", [
        P("朱德顺", "户主", "M", "1955-03-17", "患有大病", labour="丧失劳动力"),
        P("孟秀芝", "配偶", "F", "1957-12-24", labour="弱劳动力"),
    ]),
    H(8, "10000", "安全", "缺资金", "一般贫困户", "13953195037", [
        P("庞立新", "户主", "M", "1963-08-15"),
        P("王凤霞", "配偶", "F", "1964-10-10"),
        P("庞静", "之女", "F", "1988-04-04", labour="技能劳动力"),
        P("庞士林", "之父", "M", "1934-01-26", "长期慢性病", labour="丧失劳动力"),
    ], flags=["财政供养人员"]),
    H(9, "4800", "危房", "因残", "一般贫困户", "15965417280", [
        P("郑长福", "户主", "M", "1960-10-28", "残疾", labour="丧失劳动力"),
        P("庞桂英", "配偶", "F", "1962-05-19"),
    ]),
    H(10, "9000", "安全", "缺技术", "一般贫困户", "18653122609", [
        P("孟庆利", "户主", "M", "1976-12-30"),
        P("郑晓霞", "配偶", "F", "1978-07-11"),
        P("孟家乐", "之子", "M", "2006-06-20", school="小学", labour="无劳动力"),
    ]),
    H(11, "10,400", "安全", "缺资金", "一般贫困户", "13589026174", [
        P("庞永刚", "户主", "M", "1971-04-09"),
        P("孙美玲", "配偶", "F", "1972-09-27", addr=CQ),
        P("庞欣怡", "之女", "F", "1998-08-08", school="高中", labour="无劳动力"),
        P("庞欣宇", "之子", "M", "2004-03-03", school="小学", labour="无劳动力"),
    ]),
    H(12, "18400", "安全", "缺资金", "一般贫困户", "13011739485", [
        P("朱建华", "户主", "M", "1974-02-20", labour="技能劳动力"),
        P("庞红", "配偶", "F", "1975-05-25"),
        P("朱文博", "之子", "M", "1999-10-10", school="高中", labour="无劳动力"),
        P("朱文静", "之女", "F", "2005-01-01", school="小学", labour="无劳动力"),
    ]),
]

LUQUAN = [  # 鹿泉村, quota floor(820 × 0.05) = 41
    H(1, "10400", "安全", "缺资金", "一般贫困户", "15553183027", [
        P("杜洪亮", "户主", "M", "1977-05-05"),
        P("韩丽娟", "配偶", "F", "1979-09-19", addr=FC),
        P("杜佳怡", "之女", "F", "2003-06-12", school="小学", labour="无劳动力"),
        P("杜佳乐", "之子", "M", "2007-08-03", school="小学", labour="无劳动力"),
    ]),
    H(2, "4600", "安全", "缺劳力", "低保贫困户", "13964039175", [
        P("鹿传福", "户主", "M", "1948-08-18", "长期慢性病", labour="弱劳动力"),
        P("徐玉珍", "配偶", "F", "1950-02-02", labour="弱劳动力"),
    ]),
    H(3, "8100", "安全", "缺资金", "一般贫困户", "18954126630", [
        P("韩志强", "户主", "M", "1968-12-12"),
        P("田素英", "配偶", "F", "1969-04-23"),
        P("韩冬冬", "之子", "M", "1993-01-08", labour="技能劳动力"),
    ]),
    H(4, "10800", "安全", "缺资金", "一般贫困户", "13853140268", [
        P("徐德胜", "户主", "M", "1964-06-06"),
        P("杜秀兰", "配偶", "F", "1966-11-30"),
        P("徐鹏", "之子", "M", "1990-03-15"),
    ]),
    H(5, "5000", "安全", "缺资金", "一般贫困户", "15866728104", [
        P("田建军", "户主", "M", "1983-07-27", labour="技能劳动力"),
        P("鹿燕", "配偶", "F", "1985-12-12", addr=FC),
    ], flags=["城镇商品房", "经营企业"]),
    H(6, "2800", "安全", "因残", "五保贫困户", "", [
        P("杜长顺", "户主", "M", "1947-01-17", "残疾", labour="丧失劳动力"),
    ]),
    H(7, "7600", "安全", "因病", "低保贫困户", "13210587436", [
        P("韩秀荣", "户主", "F", "1972-10-10", "患有大病", labour="丧失劳动力"),
        P("鹿明杰", "之子", "M", "2000-12-01", school="辍学", labour="无劳动力"),
        P("鹿明慧", "之女", "F", "2004-07-07", school="小学", labour="无劳动力"),
        P("韩德福", "之父", "M", "1942-03-03", "长期慢性病", labour="丧失劳动力", addr=DE),
    ]),
    H(8, "11500", "安全", "缺技术", "一般贫困户", "15244301896", [
        P("鹿国庆", "户主", "M", "1979-10-01"),
        P("杜晓梅", "配偶", "F", "1980-05-20"),
        P("鹿子轩", "之子", "M", "2002-03-01", school="初中", labour="无劳动力"),
        P("鹿子涵", "之女", "F", "2006-04-14", school="小学", labour="无劳动力"),
        P("徐桂英", "之母", "F", "1951-06-06", labour="弱劳动力"),
    ]),
    H(9, "8800", "安全", "缺资金", "一般贫困户", "17853129550", [
        P("田宝华", "户主", "M", "1985-02-14"),
        P("韩晶", "配偶", "F", "1987-07-07", addr=CQ),
        P("田梓萌", "之女", "F", "2011-02-22", school="学前", labour="无劳动力"),
    ]),
    H(10, "13000", "危房", "缺资金", "一般贫困户", "13605417739", [
        P("杜建设", "户主", "M", "1966-01-01"),
        P("鹿凤芝", "配偶", "F", "1967-03-08"),
        P("杜海洋", "之子", "M", "1991-05-05"),
        P("杜海燕", "之女", "F", "1998-05-20", school="高中", labour="无劳动力"),
    ]),
    H(11, "7000", "安全", "缺技术", "一般贫困户", "18396518247", [
        P("徐广军", "户主", "M", "1987-04-04"),
        P("韩雪", "配偶", "F", "1989-11-11"),
    ]),
]

SURVEY = {  # (village, household) → (verified net income, verdict, reason)
    ("南庞庄村", 1): ("8550", "通过", ""),
    ("双河村", 11): ("", "剔除", "入户核查：全家已于2014年迁往县城居住并在县城务工，不符合申请条件"),
    ("鹿泉村", 3): ("12600", "通过", ""),
}

ROSTER = [("370323101", "双河村", 1019, True), ("370323102", "南庞庄村", 457, False),
          ("370323103", "鹿泉村", 820, False)]
TOWN_DATA = {"双河村": SHUANGHE, "南庞庄村": NANPANG, "鹿泉村": LUQUAN}


def write_csv(path, header, rows, encoding="utf-8-sig"):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    with open(path, "wb") as f:
        f.write(buf.getvalue().encode(encoding))


def write_xlsx(path, sheet, header, rows, title=None, numeric=()):
    """Rows of text; columns named in `numeric` are written as numbers when
    they parse as such (the way a clerk's workbook holds them)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    wb.properties.creator = "孝直镇扶贫办"
    wb.properties.created = dt.datetime(2015, 5, 23, 9, 0, 0)
    wb.properties.modified = dt.datetime(2015, 5, 26, 17, 30, 0)
    r0 = 1
    if title:
        ws.cell(row=1, column=1, value=title)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        ws.cell(row=1, column=1).font = Font(bold=True, size=16)
        ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
        r0 = 2
    for j, h in enumerate(header, 1):
        c = ws.cell(row=r0, column=j, value=h)
        c.font = Font(bold=True)
    for i, r in enumerate(rows, r0 + 1):
        for j, (h, v) in enumerate(zip(header, r), 1):
            if v == "":
                continue
            if h in numeric:
                try:
                    num = Decimal(v)
                    v = int(num) if num == num.to_integral_value() else float(v)
                except Exception:
                    pass
            c = ws.cell(row=i, column=j, value=v)
            if isinstance(v, str):
                c.number_format = "@"
    widths = {"身份证号": 21, "联系电话": 14, "姓名": 9, "致贫原因": 11, "贫困户属性": 12}
    from openpyxl.utils import get_column_letter
    for j, h in enumerate(header, 1):
        ws.column_dimensions[get_column_letter(j)].width = widths.get(h, 10)
    wb.save(path)


def make_town():
    os.makedirs(os.path.join(TOWN, "applications"), exist_ok=True)
    os.makedirs(os.path.join(TOWN, "survey"), exist_ok=True)
    for v, hhs in TOWN_DATA.items():
        check_clean(v, hhs)
    toml = open(os.path.join(ROOT, "src", "domain", "campaign.rs"), encoding="utf-8").read()
    toml = toml.split('pub const DEFAULT_TOML: &str = r#"', 1)[1].split('"#;', 1)[0]
    toml = toml.replace('county = ""                  # 县', 'county = "平阴县"             # 县')
    toml = toml.replace('town = ""                    # 乡镇', 'town = "孝直镇"               # 乡镇')
    toml = toml.replace('contact = ""                 #',
                        'contact = "孝直镇人民政府扶贫办公室"   #')
    assert toml.count("平阴县") == 1 and toml.count("孝直镇") == 2, "DEFAULT_TOML changed shape"
    with open(os.path.join(TOWN, "campaign.toml"), "w", encoding="utf-8", newline="\n") as f:
        f.write(toml)
    roster = ("\ufeff村代码,村名,人口,户数,重点村,村民代表人数\n"
              "370323101,双河村,1019,301,是,45\n"
              "370323102,南庞庄村,457,139,否,\n"
              "370323103,鹿泉村,820,240,否,\n")
    with open(os.path.join(TOWN, "villages.csv"), "w", encoding="utf-8", newline="") as f:
        f.write(roster)

    rows = [r for hh in SHUANGHE for r in rows_of("双河村", hh)]
    write_xlsx(os.path.join(TOWN, "applications", "双河村.xlsx"), "双河村", ZH,
               [[r[k] for k in ZH] for r in rows], title="双河村贫困户申请表",
               numeric={"户编号", "家庭人口", "家庭年纯收入"})
    rows = [r for hh in NANPANG for r in rows_of("南庞庄村", hh)]
    hdr = [k for k in ZH if k != "人均纯收入"]
    write_csv(os.path.join(TOWN, "applications", "南庞庄村.csv"), hdr,
              [[r[k] for k in hdr] for r in rows], "utf-8-sig")
    rows = [r for hh in LUQUAN for r in rows_of("鹿泉村", hh, with_pc=True)]
    write_csv(os.path.join(TOWN, "applications", "鹿泉村.csv"), ZH,
              [[r[k] for k in ZH] for r in rows], "gb18030")

    srows = []
    for v, hhs in TOWN_DATA.items():
        for hh in hhs:
            inc, verdict, reason = SURVEY.get((v, hh["hid"]), ("", "通过", ""))
            srows.append([v, str(hh["hid"]), inc, verdict, reason])
    write_csv(os.path.join(TOWN, "survey", "survey.csv"),
              ["村", "户编号", "核实家庭年纯收入", "核实结论", "剔除原因"], srows)


def money(text):
    return Fraction(Decimal(text.replace(",", "").rstrip("元")))


def half_up(fr):
    return (Decimal(fr.numerator) / Decimal(fr.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP) if fr.denominator != 1 else Decimal(fr.numerator).quantize(Decimal("0.01"))


def expect(policy="stop"):
    """Screen examples/town the DESIGN 2.1-2.5 way (scope village)."""
    std = 3322
    for code, v, pop, key in ROSTER:
        quota = int(Fraction(pop) * (Fraction(1, 2) if key else Fraction(1, 20)))
        hs = []
        for hh in TOWN_DATA[v]:
            n = len(hh["persons"])
            inc, verdict, reason = SURVEY.get((v, hh["hid"]), ("", "通过", ""))
            net = money(inc) if inc else money(hh["net"])
            pc = net / n
            dep = []
            if hh["housing"] == "危房":
                dep.append("危房")
            if any(p["health"] in ("患有大病", "残疾") for p in hh["persons"]):
                dep.append("大病/残疾")
            if any(p["school"] == "辍学" for p in hh["persons"]):
                dep.append("辍学")
            if verdict == "剔除":
                dec = "eliminated"
            elif hh["flags"]:
                dec = "excluded"
            elif net >= std * n:
                dec = "above_standard"
            else:
                dec = None
            hs.append(dict(hid=hh["hid"], head=hh["persons"][0]["name"], n=n, net=net, pc=pc,
                           dep=dep, dec=dec))
        ranked = sorted([h for h in hs if h["dec"] is None],
                        key=lambda h: (h["pc"], -len(h["dep"]), -h["n"], h["hid"]))
        cum, stopped = 0, False
        for i, h in enumerate(ranked, 1):
            h["rank"] = i
            if not stopped and cum + h["n"] <= quota:
                cum += h["n"]
                h["dec"], h["cum"] = "admitted", cum
            else:
                h["dec"] = "over_quota"
                stopped = policy == "stop"
        others = sorted([h for h in hs if "rank" not in h], key=lambda h: h["hid"])
        print(f"\n{v} ({code}) quota {quota}")
        for h in ranked + others:
            print(f"  {h.get('rank', ''):>2} 户{h['hid']:>2} {h['head']:<4} {h['n']} "
                  f"net {float(h['net']):>9.2f} pc {half_up(h['pc'])} dep {len(h['dep'])} "
                  f"{','.join(h['dep']):<12} {h['dec']:<14} {h.get('cum', '')}")
        adm = [h for h in ranked if h["dec"] == "admitted"]
        print(f"  admitted {len(adm)} households, {sum(h['n'] for h in adm)} persons; "
              f"eligible {len(ranked)} households, {sum(h['n'] for h in ranked)} persons")


# --------------------------------------------------------------------------
# tests/data

def clean_households():
    return [
        ("双河村", H(1, "9800", "危房", "因病", "低保贫困户", "13953174208", [
            P("宋玉成", "户主", "M", "1964-04-21", "患有大病", labour="弱劳动力"),
            P("石凤兰", "配偶", "F", "1966-09-02", addr=FC),
            P("宋立新", "之子", "M", "1989-12-16"),
            P("宋佳琪", "之女", "F", "2003-05-08", school="小学", labour="无劳动力"),
        ])),
        ("南庞庄村", H(1, "8100", "安全", "缺技术", "一般贫困户", "15069107735", [
            P("庞德水", "户主", "M", "1979-08-30"),
            P("冯春霞", "配偶", "F", "1981-01-14"),
            P("庞博文", "之子", "M", "2001-11-03", school="初中", labour="无劳动力"),
        ])),
        ("鹿泉村", H(2, "5600", "安全", "缺劳力", "五保贫困户", "", [
            P("鹿长发", "户主", "M", "1944-06-11", "长期慢性病", labour="丧失劳动力"),
            P("蒋秀英", "配偶", "F", "1946-03-27", "残疾", labour="丧失劳动力", addr=DE),
        ])),
    ]


CLEAN_NOTE = ("三户，每村一户（双河村1号4人、南庞庄村1号3人、鹿泉村2号2人），"
              "无任何错误或提示")


def write_plain_xlsx(path, rows, title=None):
    write_xlsx(path, "申请表", ZH, rows, title=title, numeric={"户编号", "家庭人口", "家庭年纯收入"})


ERRORS = []  # (line, kind, severity, explanation)


def make_errors():
    """errors.csv: one household per kind of finding (DESIGN 2.10)."""
    rows = []  # dicts by Chinese label
    line = [1]  # the header is line 1

    def add(village, hh, kinds=(), tweak=None, with_pc=False):
        rs = rows_of(village, hh, with_pc=with_pc)
        if tweak:
            tweak(rs)
        for i, r in enumerate(rs):
            line[0] += 1
            for (at, kind, sev, why) in kinds:
                if at == i:
                    ERRORS.append((line[0], kind, sev, why))
            rows.append(r)

    # 1 wrong check digit
    hh = H(1, "3000", "安全", "缺资金", "五保贫困户", "", [
        P("郭德旺", "户主", "M", "1952-07-14", labour="弱劳动力")])
    good = hh["persons"][0]["id"]
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    add("双河村", hh, [(0, "id_check_digit", "error",
                        f"身份证号 {bad}：校验位应为 {good[17]}")],
        lambda rs: rs[0].update({"身份证号": bad}))

    # 2 impossible birth date (30 February), check character right
    hh = H(2, "6200", "安全", "缺技术", "一般贫困户", "13573104482", [
        P("何建民", "户主", "M", "1980-03-01"),
        P("邓丽", "配偶", "F", "1982-06-18")])
    body = "%06d19800230%03d" % (PY, 153)
    feb30 = body + check_char(body)
    add("双河村", hh, [(0, "id_birth_date", "error", f"身份证号 {feb30}：出生日期 1980-02-30 不存在（校验位正确）")],
        lambda rs: rs[0].update({"身份证号": feb30}))

    # 3 15-digit legacy number: converted, warning only
    hh = H(3, "5400", "安全", "缺劳力", "低保贫困户", "13176580921", [
        P("韩庆山", "户主", "M", "1948-10-09", "长期慢性病", labour="弱劳动力"),
        P("焦桂荣", "配偶", "F", "1950-01-12", labour="弱劳动力")])
    legacy = "370124481009031"  # 1948-10-09, sequence 031 (odd: male)
    full = "370124" + "19481009031"
    full += check_char(full)
    assert full not in _used
    _used.add(full)
    add("双河村", hh, [(0, "id_converted", "warning", f"15位号码 {legacy} 升位为 {full}")],
        lambda rs: rs[0].update({"身份证号": legacy}))

    # 4 placeholder number
    hh = H(4, "4100", "安全", "因病", "一般贫困户", "15006419873", [
        P("薛玉华", "户主", "F", "1958-05-30", "长期慢性病", labour="弱劳动力")])
    add("双河村", hh, [(0, "id_placeholder", "error", "身份证号 999999195805301244 为占位号码")],
        lambda rs: rs[0].update({"身份证号": "999999195805301244"}))

    # 5 sex column against the ID number (warning)
    hh = H(5, "3900", "安全", "缺资金", "一般贫困户", "13869120457", [
        P("程海燕", "户主", "M", "1971-02-19")])
    add("双河村", hh, [(0, "sex_mismatch", "warning", "性别填“女”，身份证号第17位为奇数（男）")],
        lambda rs: rs[0].update({"性别": "女"}))

    # 6/7 the same ID number in two households (and two villages): a daughter
    # who married into 南庞庄村 is still listed with her parents in 双河村.
    hh6 = H(6, "7000", "安全", "缺技术", "一般贫困户", "15253108816", [
        P("曹振东", "户主", "M", "1962-12-03"),
        P("曹晓丽", "之女", "F", "1990-04-25")])
    dup = hh6["persons"][1]["id"]
    add("双河村", hh6, [(1, "id_duplicate", "error", f"身份证号 {dup} 也出现在南庞庄村7号户（下一户）")])
    hh7 = H(7, "8600", "安全", "缺资金", "一般贫困户", "18764027153", [
        P("孟令辉", "户主", "M", "1988-03-17"),
        P("曹晓丽", "配偶", "F", "1990-04-25")])
    add("南庞庄村", hh7, [(1, "id_duplicate", "error", f"身份证号 {dup} 已出现在双河村6号户")],
        lambda rs: rs[1].update({"身份证号": dup}))

    # 8 no head: household values on the first listed row
    hh = H(8, "4500", "安全", "缺劳力", "一般贫困户", "13806351429", [
        P("侯秀兰", "配偶", "F", "1969-09-09"),
        P("谢明辉", "之子", "M", "1992-02-02")])
    add("双河村", hh, [(0, "no_head", "error", "8号户没有户主（户级问题，报在户或其第一行）")])

    # 9 two heads
    hh = H(9, "9200", "安全", "缺技术", "一般贫困户", "15866120937", [
        P("罗建华", "户主", "M", "1966-05-05"),
        P("罗建军", "户主", "M", "1969-08-08")])
    add("双河村", hh, [(1, "two_heads", "error", "9号户两行都填“户主”（户级问题）")])

    # 10 stated size 4, three persons listed
    hh = H(10, "8700", "安全", "缺资金", "一般贫困户", "13953167208", [
        P("梁国栋", "户主", "M", "1974-11-25"),
        P("彭秀芳", "配偶", "F", "1976-03-14"),
        P("梁雨涵", "之女", "F", "2006-09-30", school="小学", labour="无劳动力")])
    add("双河村", hh, [(0, "size_mismatch", "error", "家庭人口填4，所列3人")],
        lambda rs: rs[0].update({"家庭人口": "4"}))

    # 11 household-level cells disagree between rows
    hh = H(11, "6900", "安全", "缺资金", "一般贫困户", "13589140632", [
        P("袁保国", "户主", "M", "1967-07-07"),
        P("潘玉梅", "配偶", "F", "1968-12-12")])
    add("双河村", hh, [(1, "household_cells_disagree", "error", "住房：户主行“安全”，本行“危房”")],
        lambda rs: rs[1].update({"住房": "危房"}))

    # 12 empty required cell (姓名)
    hh = H(12, "7400", "安全", "因学", "一般贫困户", "18654190385", [
        P("董文斌", "户主", "M", "1976-01-20"),
        P("蔡丽萍", "配偶", "F", "1977-04-09"),
        P("董浩", "之子", "M", "2002-06-01", school="初中", labour="无劳动力")])
    add("双河村", hh, [(2, "required_empty", "error", "姓名为空")],
        lambda rs: rs[2].update({"姓名": ""}))

    # 13 a code value not in its list
    hh = H(13, "6300", "安全", "缺技术", "一般贫困户", "13061458827", [
        P("庞振武", "户主", "M", "1970-10-01"),
        P("任淑芳", "配偶", "F", "1972-02-29")])
    add("南庞庄村", hh, [(0, "code_value", "error", "健康状况“很好”不在代码表中")],
        lambda rs: rs[0].update({"健康状况": "很好"}))

    # 14 income not a number
    hh = H(14, "3000", "安全", "缺劳力", "五保贫困户", "", [
        P("庞老五", "户主", "M", "1945-03-03", labour="弱劳动力")])
    add("南庞庄村", hh, [(0, "income_not_number", "error", "家庭年纯收入“三千”不是数字")],
        lambda rs: rs[0].update({"家庭年纯收入": "三千"}))

    # 15 net and per-capita disagree: 6000 for 2 persons against 3500 a head
    hh = H(15, "6000", "安全", "缺资金", "一般贫困户", "15165403318", [
        P("孟繁荣", "户主", "M", "1963-06-18"),
        P("孔令霞", "配偶", "F", "1965-08-08")])
    add("南庞庄村", hh, [(0, "income_disagree", "error", "家庭年纯收入6000÷2人=3000.00，人均纯收入填3500，差500元/人 > 1元")],
        lambda rs: rs[0].update({"人均纯收入": "3500"}))

    # 16 village not in the roster
    hh = H(16, "5800", "安全", "缺资金", "一般贫困户", "13953102645", [
        P("唐志远", "户主", "M", "1981-05-16"),
        P("钟玉洁", "配偶", "F", "1983-10-21")])
    add("不存在村", hh, [(0, "village_unknown", "error",
                          "村“不存在村”不在村名册中（第二行31也可以报）")])

    # 17 之子 who is female per the ID number (sex column agrees with the ID)
    hh = H(17, "7100", "安全", "缺技术", "一般贫困户", "15964180273", [
        P("朱宏伟", "户主", "M", "1968-04-04"),
        P("朱晓彤", "之女", "F", "1994-07-19")])
    add("南庞庄村", hh, [(1, "relation_sex", "warning", "“之子”，身份证号为女性")],
        lambda rs: rs[1].update({"与户主关系": "之子"}))

    # 18 配偶 of the same sex as the head
    hh = H(18, "6600", "安全", "缺资金", "一般贫困户", "13668819024", [
        P("杜文华", "户主", "M", "1970-09-12"),
        P("鹿建平", "配偶", "M", "1971-03-30")])
    add("鹿泉村", hh, [(1, "relation_sex", "warning", "配偶与户主同为男性")])

    # 19 a 40-year-old in junior school
    hh = H(19, "5200", "安全", "缺技术", "一般贫困户", "18253193416", [
        P("田茂林", "户主", "M", "1974-11-10", school="初中")])
    add("鹿泉村", hh, [(0, "schooling_age", "warning", "40岁，在校生状况填“初中”")])

    # 20 a healthy 10-year-old in preschool
    hh = H(20, "7900", "安全", "缺资金", "一般贫困户", "13153147790", [
        P("韩光明", "户主", "M", "1980-12-08"),
        P("韩子墨", "之子", "M", "2004-09-15", school="学前", labour="无劳动力")])
    add("鹿泉村", hh, [(1, "schooling_age", "warning", "健康的10岁孩子，在校生状况填“学前”")])

    # 21 negative income
    hh = H(21, "-1200", "危房", "因灾", "一般贫困户", "15854107628", [
        P("鹿永胜", "户主", "M", "1959-06-26"),
        P("袁桂珍", "配偶", "F", "1960-10-02")])
    add("鹿泉村", hh, [(0, "income_negative", "warning", "家庭年纯收入为 -1200（冰雹绝收，投入大于产出）")])

    write_csv(os.path.join(DATA, "errors.csv"), ZH, [[r[k] for k in ZH] for r in rows])


def libreoffice_convert(src, fmt, outdir):
    lo = shutil.which("libreoffice") or shutil.which("soffice")
    if not lo:
        print(f"note: LibreOffice not found, {fmt} not made from {src}")
        return False
    with tempfile.TemporaryDirectory() as prof:
        subprocess.run([lo, f"-env:UserInstallation=file://{prof}", "--headless",
                        "--convert-to", fmt, "--outdir", outdir, src],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return True


def make_data():
    os.makedirs(DATA, exist_ok=True)
    clean = clean_households()
    for v, hh in clean:
        check_clean(v, [hh])
    rows = [r for v, hh in clean for r in rows_of(v, hh)]
    table = [[r[k] for k in ZH] for r in rows]
    write_csv(os.path.join(DATA, "clean.csv"), ZH, table, "utf-8-sig")
    write_csv(os.path.join(DATA, "clean_nobom.csv"), ZH, table, "utf-8")
    write_csv(os.path.join(DATA, "gb18030.csv"), ZH, table, "gb18030")

    code_of = {name: code for code, name, _, _ in ROSTER}
    en_rows = []
    for r in rows:
        e = []
        for k in ZH:
            v = r[k]
            if k == "村":
                v = code_of[v]
            elif v in EN_CODE and k not in ("姓名",):
                v = EN_CODE[v]
            e.append(v)
        en_rows.append(e)
    write_csv(os.path.join(DATA, "english.csv"), EN, en_rows, "utf-8")

    # shuffled: same data, columns in a fixed random order, an unknown column
    # 备注, headers with stray spaces, ideographic spaces and full-width letters.
    notes = {0: "丈夫去年做过心脏搭桥手术，常年吃药", 3: "在平阴县城读小学，寄宿",
             4: "种植大蒜3亩", 8: "老伴右腿残疾，行动不便"}
    header_form = {"村": "　村　", "户编号": "户编号 ", "姓名": " 姓名", "身份证号": "ｉｄ＿ｎｕｍｂｅｒ",
                   "联系电话": "ｐｈｏｎｅ", "家庭年纯收入": "家庭年纯收入　", "与户主关系": "  与户主关系",
                   "在校生状况": "Schooling"}
    cols = ZH + ["备注"]
    order = cols[:]
    random.Random(11643).shuffle(order)
    sh_rows = []
    for i, r in enumerate(rows):
        r = dict(r, 备注=notes.get(i, ""))
        sh_rows.append([r[k] for k in order])
    write_csv(os.path.join(DATA, "shuffled.csv"), [header_form.get(k, k) for k in order],
              sh_rows, "utf-8-sig")

    write_plain_xlsx(os.path.join(DATA, "title_merged.xlsx"), table,
                     title="孝直镇2015年贫困户申请表（汇总）")
    plain = os.path.join(DATA, "plain.xlsx")
    write_plain_xlsx(plain, table)
    for fmt in ("xls", "ods"):
        libreoffice_convert(plain, fmt, DATA)
    shutil.copyfile(plain, os.path.join(DATA, "renamed.csv"))

    make_errors()

    # unreadable inputs
    junk = random.Random(404)
    with open(os.path.join(DATA, "notaspreadsheet.xlsx"), "wb") as f:
        f.write("这不是电子表格，只是改了扩展名的文字。\nThis is not a spreadsheet.\n".encode("utf-8"))
        f.write(bytes(junk.randrange(256) for _ in range(512)))
    open(os.path.join(DATA, "empty.csv"), "wb").close()
    with open(os.path.join(DATA, "noheader.csv"), "w", encoding="ascii", newline="") as f:
        f.write("370323101,1,370124196803120317,4,9600\r\n"
                "370323101,2,370124197501230339,3,7800\r\n"
                "370323102,1,370124197305140315,3,8400\r\n")
    with open(os.path.join(DATA, "latin1.csv"), "wb") as f:
        f.write(b"village,household_id,name,relation,id_number,net_income\r\n")
        f.write("370323101,1,José Müller,head,370124196803120317,9600\r\n".encode("latin-1"))
        f.write(b"370323101,2,Ren\xe9 \x80\xff\xfe,head,370124197501230339,7800 \xa4\r\n")
    raw = open(os.path.join(DATA, "latin1.csv"), "rb").read()
    for enc in ("utf-8", "gb18030"):
        try:
            raw.decode(enc)
            raise SystemExit(f"latin1.csv decodes as {enc}")
        except UnicodeDecodeError:
            pass

    write_readme()


def write_readme():
    lines = [
        "# Import fixtures",
        "",
        "Regenerate with `python3 tests/data/make_fixtures.py` (needs openpyxl and, for",
        "the .xls and .ods files, LibreOffice). Villages are those of the example",
        "roster (`EXAMPLE_CSV`: 370323101 双河村, 370323102 南庞庄村, 370323103 鹿泉村).",
        "ID numbers are valid GB 11643 numbers and distinct from each other and from",
        "`examples/town` unless a row is meant to carry an error.",
        "",
        "| file | what it holds | expected |",
        "|---|---|---|",
        f"| `clean.csv` | UTF-8 with BOM, Chinese headers, all 20 columns (人均纯收入 left blank); {CLEAN_NOTE}, 9 persons | no finding at all |",
        "| `clean_nobom.csv` | the same bytes as `clean.csv` without the BOM | same register as `clean.csv` |",
        "| `gb18030.csv` | the same content encoded GB18030, no BOM | same register as `clean.csv` |",
        "| `english.csv` | the same data with English snake_case headers, English code values (head/spouse/child, male/female, healthy/chronic/serious_illness/disabled, yes/no…), UTF-8 without BOM; the 村 column (village) holds the roster **codes** 370323101… instead of names; names stay Chinese; a relation `child` says nothing about sex | same register as `clean.csv` (villages resolved by code) |",
        "| `shuffled.csv` | the same data, UTF-8 with BOM, columns in a shuffled order, plus an unknown column `备注` (free text on 4 rows); headers with stray ASCII spaces (`户编号 `, ` 姓名`, `  与户主关系`), ideographic spaces U+3000 (`　村　`, `家庭年纯收入　`), full-width English names (`ｉｄ＿ｎｕｍｂｅｒ`, `ｐｈｏｎｅ`) and a capitalised English name (`Schooling`) | same register as `clean.csv`, plus the carried column 备注 |",
        "| `title_merged.xlsx` | the same data in a workbook (sheet 申请表): row 1 is a title 孝直镇2015年贫困户申请表（汇总） merged across A1:T1, the header on row 2; ID numbers and phones are text cells, 户编号, 家庭人口 and 家庭年纯收入 number cells | same register as `clean.csv` (rows 3–11) |",
        "| `plain.xlsx` | the same data, header on row 1, no title (the source of the two below) | same register as `clean.csv` |",
        "| `plain.xls` | `plain.xlsx` converted by LibreOffice (`--convert-to xls`, BIFF8) | same register as `clean.csv` |",
        "| `plain.ods` | `plain.xlsx` converted by LibreOffice (`--convert-to ods`) | same register as `clean.csv` |",
        "| `errors.csv` | UTF-8 with BOM, Chinese headers, 21 households, one per kind of finding (table below); every other cell is clean | the findings below, nothing else |",
        "| `notaspreadsheet.xlsx` | a line of Chinese and English text followed by 512 random bytes: not a zip | refused with a message naming the file (`file_unreadable`), no panic |",
        "| `empty.csv` | 0 bytes | refused or reported as holding no header / no rows, with a message naming the file |",
        "| `noheader.csv` | three rows of numbers (village code, household, ID, size, income) and no header row | refused: no known header (村/户编号/… missing), message names the file |",
        "| `latin1.csv` | ASCII header, then Latin-1 text (`José Müller`, `René`) and the bytes 0x80 0xFF 0xFE 0xA4: invalid as UTF-8 and as GB18030 | refused with an encoding message (DESIGN 4), unless `--encoding` is given |",
        "| `renamed.csv` | `plain.xlsx` copied under a .csv name (starts with `PK\\x03\\x04`) | either read by content as a workbook (same register as `clean.csv`) or refused with a clear message; never read as CSV garbage, never a panic |",
        "",
        "## errors.csv",
        "",
        "Line numbers count the header as line 1 (the row a clerk sees in Excel).",
        "Households 1–6 and 8–12 are in 双河村, 7, 13–15 and 17 in 南庞庄村, 18–21 in 鹿泉村,",
        "16 in 不存在村. Household-level findings (no_head, two_heads, size_mismatch,",
        "village_unknown) may be reported once per household, on its first row or on",
        "the row named here; id_duplicate may be reported on both rows or on the second.",
        "",
        "| line | household | kind | severity | what is wrong |",
        "|---|---|---|---|---|",
    ]
    with open(os.path.join(DATA, "errors.csv"), encoding="utf-8-sig") as f:
        erows = list(csv.reader(f))
    for (ln, kind, sev, why) in ERRORS:
        r = erows[ln - 1]
        lines.append(f"| {ln} | {r[0]} {r[1]}号 | {kind} | {sev} | {why} |")
    n_err = len({(ln, k) for ln, k, s, _ in ERRORS if s == "error"})
    lines += [
        "",
        "Households made invalid by an error: 双河村 1, 2, 4, 6, 8, 9, 10, 11, 12;",
        "南庞庄村 7, 13, 14, 15; 不存在村 16 (14 households). Households with warnings",
        "only, which stay valid: 双河村 3, 5; 南庞庄村 17; 鹿泉村 18, 19, 20, 21 (7 households).",
        "Each finding above is the only one its row and household should get; a",
        "checker that reports more (for instance sex_mismatch on the placeholder row,",
        "whose number cannot be read) is wrong. The placeholder's 17th digit is even,",
        "and the sex column says 女, so nothing else could be argued there either.",
        "",
        "Every roster village has applications in the file, so no",
        "`village_no_applications` warning is expected.",
        "",
    ]
    with open(os.path.join(DATA, "README.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def expect_town_scope():
    """Scope town, policy stop: the pool of the non-key villages."""
    std, pool = 3322, []
    pop = sum(p for _, v, p, k in ROSTER if not k)
    quota = int(Fraction(pop) / 20)
    for order, (code, v, _, key) in enumerate(ROSTER):
        if key:
            continue
        for hh in TOWN_DATA[v]:
            n = len(hh["persons"])
            inc, verdict, _ = SURVEY.get((v, hh["hid"]), ("", "通过", ""))
            net = money(inc) if inc else money(hh["net"])
            if verdict == "剔除" or hh["flags"] or net >= std * n:
                continue
            dep = (hh["housing"] == "危房") + any(p["health"] in ("患有大病", "残疾") for p in hh["persons"]) \
                + any(p["school"] == "辍学" for p in hh["persons"])
            pool.append((net / n, -dep, -n, hh["hid"], order, v, n))
    pool.sort()
    print(f"\nscope town, pool other, quota {quota}")
    cum, stopped = 0, False
    for i, (pc, d, n, hid, _, v, _) in enumerate(pool, 1):
        if not stopped and cum - n <= quota:
            cum -= n
            dec = "admitted"
        else:
            dec, stopped = "over_quota", True
        print(f"  {i:>2} {v} 户{hid:>2} pc {half_up(pc)} dep {-d} size {-n} {dec} {cum if dec == 'admitted' else ''}")


if __name__ == "__main__":
    make_town()
    make_data()
    if "--expect" in sys.argv:
        expect("stop")
        print("\n--- policy skip ---")
        expect("skip")
        expect_town_scope()
