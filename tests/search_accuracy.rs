//! Search quality over the query sets in tests/search/: the expected code must be in the top 10
//! for at least 95% of the clinically worded queries and 90% of the abbreviation and lay-term
//! queries (the foundation issue's budgets). Misses are printed with the top 3 we returned.

mod common;

struct Query {
    text: String,
    expected: String,
}

fn read_set(rel: &str) -> Vec<Query> {
    std::fs::read_to_string(common::repo(rel))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            Query { text: cols[0].to_string(), expected: cols[1].trim().to_string() }
        })
        .collect()
}

/// A hit counts when it is the expected tabular entry, or that entry with a 7th character.
fn is_hit(code: &str, expected: &str) -> bool {
    code == expected || (code.starts_with(expected) && code.len() == 8)
}

fn measure(rel: &str, min_queries: usize, min_top10: f64) {
    let set = common::icd10cm();
    let queries = read_set(rel);
    assert!(queries.len() >= min_queries, "{rel}: {} queries, need {min_queries}", queries.len());
    let (mut top1, mut top10) = (0, 0);
    let mut misses = Vec::new();
    for q in &queries {
        assert!(set.lookup(&q.expected, medcode::codes::Date(20260401)).is_ok(), "{rel}: expected code {} is not in the tabular", q.expected);
        let hits = set.search(&q.text, 10);
        match hits.iter().position(|h| is_hit(&h.code, &q.expected)) {
            Some(0) => {
                top1 += 1;
                top10 += 1;
            }
            Some(_) => top10 += 1,
            None => misses.push(format!(
                "  {:<50} want {:<9} got {}",
                q.text,
                q.expected,
                hits.iter().take(3).map(|h| h.code.as_str()).collect::<Vec<_>>().join(" ")
            )),
        }
    }
    let n = queries.len() as f64;
    let rate = top10 as f64 / n;
    println!("{rel}: {} queries, top-1 {:.1}%, top-10 {:.1}%", queries.len(), 100.0 * top1 as f64 / n, 100.0 * rate);
    println!("{}", misses.join("\n"));
    assert!(rate >= min_top10, "{rel}: top-10 {:.1}% < {:.0}%", 100.0 * rate, 100.0 * min_top10);
}

#[test]
fn clinical_queries_find_the_code_in_the_top_10() {
    measure("tests/search/clinical_queries.tsv", 100, 0.95);
}

#[test]
fn abbreviation_queries_find_the_code_in_the_top_10() {
    measure("tests/search/abbreviation_queries.tsv", 60, 0.90);
}
