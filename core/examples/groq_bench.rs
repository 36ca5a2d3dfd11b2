//! Native half of the GROQ benchmark (`scripts/bench-groq.sh` runs it next
//! to groq-js and core's wasm build in Node, on the same documents).
//!
//! `groq_bench <dataset.ndjson to write> <iterations>` writes 10,000
//! synthetic documents (1,000 authors, 9,000 posts), then prints one JSON
//! line per query: `{"name", "ms"}` with the median time per evaluation.
//! A third argument runs only the queries whose name contains it.

use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

use qanat_core::groq::{evaluate_in_json, Dataset, QueryOptions};
use serde_json::json;

/// The queries of the benchmark, shared with the Node script via stdout.
pub const QUERIES: [(&str, &str); 5] = [
    (
        "filter+order+slice+deref",
        r#"*[_type=="post" && views > 500] | order(publishedAt desc)[0...20]{title, "author": author->name}"#,
    ),
    ("filter {_id}", r#"*[_type=="post" && views > 500]{_id}"#),
    ("count(filter)", r#"count(*[_type=="post" && views > 500])"#),
    (
        "deref every author",
        r#"*[_type=="post"]{"author": author->name}"#,
    ),
    (
        "two-key order",
        r#"*[_type=="post"] | order(views desc, title asc)[0...50]{_id}"#,
    ),
];

fn documents() -> Vec<serde_json::Value> {
    let mut docs = Vec::with_capacity(10_000);
    let mut state: u64 = 42;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as u32
    };
    for i in 0..1_000 {
        docs.push(
            json!({"_id": format!("author-{i}"), "_type": "author", "name": format!("Author {i}")}),
        );
    }
    for i in 0..9_000 {
        let day = next() % 1_000;
        docs.push(json!({
            "_id": format!("post-{i}"),
            "_type": "post",
            "title": format!("Post {} about {}", i, next() % 97),
            "views": next() % 1_000,
            "publishedAt": format!("2024-{:02}-{:02}T{:02}:00:00Z", day % 12 + 1, day % 28 + 1, day % 24),
            "author": {"_ref": format!("author-{}", next() % 1_000), "_type": "reference"},
        }));
    }
    docs
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .unwrap_or_else(|| "bench-dataset.ndjson".to_string());
    let iterations: u32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(20);
    // Optional: run only the queries whose name contains this (for profiling).
    let only = args.next();
    let docs = documents();
    let mut file =
        std::io::BufWriter::new(std::fs::File::create(&path).expect("create the dataset file"));
    for d in &docs {
        writeln!(file, "{d}").expect("write the dataset");
    }
    drop(file);
    let dataset = Arc::new(Dataset::from_json(&docs));
    let options = QueryOptions::default();
    // QANAT_BENCH_QUERY times one query of your own instead (for profiling).
    let custom = std::env::var("QANAT_BENCH_QUERY").ok();
    let queries: Vec<(&str, &str)> = match &custom {
        Some(q) => vec![("custom", q.as_str())],
        None => QUERIES.to_vec(),
    };
    for (name, query) in queries {
        if only.as_deref().is_some_and(|o| !name.contains(o)) {
            continue;
        }
        // One warm-up run, then the median of `iterations`: the machines
        // this runs on are shared, and a median shrugs off a neighbour's burst.
        evaluate_in_json(query, &dataset, &options).expect("the query runs");
        let mut times = Vec::with_capacity(iterations as usize);
        for _ in 0..iterations.max(1) {
            let start = Instant::now();
            // Timed through to the JSON text a host would send.
            let result = evaluate_in_json(query, &dataset, &options).expect("the query runs");
            std::hint::black_box(result);
            times.push(start.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        let ms = times[times.len() / 2];
        println!("{}", json!({"name": name, "query": query, "ms": ms}));
    }
}
