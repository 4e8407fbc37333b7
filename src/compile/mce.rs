//! Validity by date of service from the CMS MCE master files (ICD-10-CM dx and ICD-10-PCS sg)
//! (`code<TAB>date_start<TAB>date_end<TAB>mce_flags`, dates YYYYMMDD, inclusive). A code
//! has one row per period in which its MCE flags stayed the same; consecutive rows are merged
//! into one window of validity.

use crate::codes::Date;
use crate::store::model::{CodeValidity, Window};

pub fn parse_mce_validity(tsv: &str) -> Result<Vec<CodeValidity>, String> {
    let mut rows: Vec<(String, Date, Date)> = Vec::new();
    for (n, line) in tsv.lines().enumerate() {
        if n == 0 && line.starts_with("icd10") {
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 3 {
            return Err(format!("MCE master line {}: expected code, start, end", n + 1));
        }
        let date = |s: &str| Date::parse_compact(s).map_err(|e| format!("MCE master line {}: {e}", n + 1));
        rows.push((cols[0].trim().to_string(), date(cols[1])?, date(cols[2])?));
    }
    rows.sort();
    let mut out: Vec<CodeValidity> = Vec::new();
    for (code, from, to) in rows {
        match out.last_mut() {
            Some(last) if last.code == code => {
                let prev = last.windows.last_mut().expect("a code has at least one window");
                if from <= next_day(prev.to) {
                    prev.to = prev.to.max(to);
                } else {
                    last.windows.push(Window { from, to });
                }
            }
            _ => out.push(CodeValidity { code, windows: vec![Window { from, to }] }),
        }
    }
    Ok(out)
}

fn next_day(d: Date) -> Date {
    let (y, m, day) = (d.year(), d.month(), d.day());
    let candidate = format!("{y:04}-{m:02}-{:02}", day + 1);
    if let Ok(next) = Date::parse_iso(&candidate) {
        return next;
    }
    if m < 12 {
        Date(y * 10000 + (m + 1) * 100 + 1)
    } else {
        Date((y + 1) * 10000 + 101)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_consecutive_rows_into_one_window() {
        let tsv = "icd10cm_code\tdate_start\tdate_end\tmce_flags\nA000\t20151001\t20190930\t\nA000\t20191001\t20270331\tadult\nB000\t20151001\t20160930\t\nB000\t20181001\t20190930\t\n";
        let v = parse_mce_validity(tsv).unwrap();
        assert_eq!(v[0].windows, vec![Window { from: Date(20151001), to: Date(20270331) }]);
        assert_eq!(v[1].windows.len(), 2, "a gap keeps two windows");
    }

    #[test]
    fn next_day_crosses_month_and_year() {
        assert_eq!(next_day(Date(20190930)), Date(20191001));
        assert_eq!(next_day(Date(20191231)), Date(20200101));
        assert_eq!(next_day(Date(20240228)), Date(20240229));
    }
}
