//! The planner's SQL, run on a real SQLite (the D1 schema) and a real
//! PostgreSQL, never changes a query's answer.
//!
//! For every filter below: core evaluates `*[filter]._id` over the whole
//! dataset; then, per dialect, the store returns the rows the pushed-down SQL
//! keeps and core evaluates the filter again on only those. Both answers must
//! be the same set of ids, and when the planner says it captured the whole
//! filter, the SQL rows alone must be that set. Every filter the planner
//! captures whole is also run negated, `!(filter)`, which only comes out right
//! if each atom is NULL in SQL exactly where GROQ gives null.
//!
//! PostgreSQL comes from `QANAT_TEST_DATABASE_URL` (scripts/test.sh starts
//! one and exports it); without it the Postgres test fails rather than skip.

use std::collections::BTreeSet;
use std::str::FromStr;

use qanat_core::groq::{
    self,
    eval::Params,
    plan::{self, Pushdown, SqlFilter, SqlParam},
    value::Value,
    QueryOptions,
};
use qanat_host::store::documents::bind_all;
use serde_json::{json, Map, Value as Json};
use sqlx::{
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::SqlitePoolOptions,
    PgPool, Row, SqlitePool,
};

const DATASET: &str = "production";
/// D1 rejects statements with more than 100 bound parameters.
const D1_MAX_PARAMS: usize = 100;

// ---------------------------------------------------------------------------
// The dataset

/// Documents built to sit on the edges of GROQ's types: the same field as an
/// integer, a float, a numeric string, a boolean, null, missing, an array and
/// an object, across several `_type`s, drafts and versions.
fn documents() -> Vec<Json> {
    let views = [
        json!(500),
        json!(501),
        json!(499),
        json!(500.0),
        json!(500.5),
        json!(-3),
        json!(-3.5),
        json!(0),
        json!(-0.0),
        json!(1e-7),
        json!(9_007_199_254_740_993u64),
        json!(1.5e300),
        json!("500"),
        json!("4"),
        json!(""),
        json!(null),
        missing(),
        json!(true),
        json!(false),
        json!([500]),
        json!({"n": 500}),
    ];
    let titles = [
        json!("Hello"),
        json!("hello"),
        json!("Héllo wörld"),
        json!("مرحبا بالعالم"),
        json!("🚀 rocket"),
        json!("\u{FFFD} replacement"),
        json!("\u{E000} private use"),
        json!(""),
        json!("500"),
        json!("m"),
        json!("a"),
        json!("Zebra"),
        json!("x'); DROP TABLE documents; --"),
        json!(5),
        json!(null),
        missing(),
        json!(["Hello"]),
        json!({"en": "Hello"}),
        json!(true),
    ];
    let flags = [
        json!(true),
        json!(false),
        json!(null),
        missing(),
        json!(1),
        json!(0),
        json!("true"),
    ];
    let tags = [
        json!(["news", "tech"]),
        json!(["news"]),
        json!([]),
        json!(["a", 1, null, true]),
        json!("news"),
        json!(null),
        missing(),
        json!([["news"]]),
        json!([{"_ref": "person-1"}]),
        json!([1, 2.5, -3]),
        json!([false]),
        json!([null]),
        json!(["Tech", "مقال"]),
    ];
    let authors = [
        json!({"_type": "reference", "_ref": "person-1"}),
        json!({"_ref": "person-2"}),
        json!({"_ref": 5}),
        json!("person-1"),
        json!(null),
        missing(),
        json!({"name": "Ibn Battuta"}),
        // GROQ does not look inside a reference for more references, so this
        // document does not reference person-9; SQL finds it anyway.
        json!({"_ref": "person-1", "meta": {"_ref": "person-9"}}),
        json!({"_ref": "drafts.person-2", "_weak": true}),
        json!({"_ref": ["person-1"]}),
    ];
    let seo = [
        json!({"title": "SEO"}),
        json!({"title": null}),
        json!({}),
        json!("seo-string"),
        missing(),
        json!({"title": "seo", "deep": {"x": 1}}),
        json!([{"title": "SEO"}]),
    ];
    let content = [
        json!([{"_type": "block", "children": [{"_type": "span", "text": "hi"}], "markDefs": [{"_type": "link", "_ref": "person-3"}]}]),
        json!([{"_type": "image", "asset": {"_ref": "image-abc-10x10-png"}}]),
        json!({"nested": [[{"_ref": "person-4"}]]}),
        missing(),
        json!([]),
        json!("person-3"),
    ];
    let types = [
        "post",
        "post",
        "person",
        "category",
        "sanity.imageAsset",
        "post",
    ];

    let mut docs = Vec::new();
    for i in 0..96usize {
        let base = match i % 7 {
            0 => format!("drafts.post-{i}"),
            1 if i % 3 == 0 => format!("versions.r1.post-{i}"),
            _ => format!("{}-{i}", types[i % types.len()].replace('.', "-")),
        };
        let mut doc = Map::new();
        doc.insert("_id".into(), json!(base));
        doc.insert("_type".into(), json!(types[i % types.len()]));
        doc.insert("_rev".into(), json!(format!("rev-{}", i % 5)));
        doc.insert(
            "_createdAt".into(),
            json!(format!(
                "2024-{:02}-{:02}T10:00:00Z",
                1 + i % 12,
                1 + i % 28
            )),
        );
        doc.insert(
            "_updatedAt".into(),
            json!(format!(
                "2024-{:02}-15T08:30:{:02}.000Z",
                1 + (i * 5) % 12,
                i % 60
            )),
        );
        let fields: [(&str, &[Json], usize); 7] = [
            ("views", &views, 1),
            ("title", &titles, 3),
            ("flag", &flags, 5),
            ("tags", &tags, 7),
            ("author", &authors, 11),
            ("seo", &seo, 13),
            ("content", &content, 17),
        ];
        for (name, variants, stride) in fields {
            // A different stride per field spreads the combinations.
            let k = (i * stride + i / variants.len()) % variants.len();
            if variants[k] != missing() {
                doc.insert(name.into(), variants[k].clone());
            }
        }
        docs.push(Json::Object(doc));
    }
    docs.push(json!({
        "_id": "ref-doc", "_type": "odd", "_rev": "rev-x",
        "_createdAt": "2023-01-01T00:00:00Z", "_updatedAt": "2023-01-01T00:00:00Z",
        "_ref": "person-1"
    }));
    docs.push(json!({
        "_id": "person-1", "_type": "person", "_rev": "rev-p",
        "_createdAt": "2023-06-01T00:00:00Z", "_updatedAt": "2025-01-01T00:00:00Z",
        "title": "Ibn Battuta", "views": 500
    }));
    docs
}

/// Stands for "no such attribute" in the variant lists above.
fn missing() -> Json {
    json!("<missing>")
}

/// Documents of another dataset that every filter would match, to prove the
/// SQL is scoped by the caller's `dataset = ?`.
fn other_dataset() -> Vec<Json> {
    (0..3)
        .map(|i| {
            json!({
                "_id": format!("other-{i}"), "_type": "post", "_rev": "rev-0",
                "_createdAt": "2024-01-01T00:00:00Z", "_updatedAt": "2024-01-01T00:00:00Z",
                "views": 1000, "title": "Hello", "flag": true, "tags": ["news"],
                "author": {"_ref": "person-1"}, "seo": {"title": "SEO"}
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------
// The filters

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// The SQL is the whole filter.
    Complete,
    /// Some of it is pushed; core checks the rest.
    Partial,
    /// Nothing is pushed.
    Nothing,
}
use Expect::{Complete, Nothing, Partial};

struct Case {
    filter: String,
    params: Json,
    expect: Expect,
}

fn cases() -> Vec<Case> {
    let many_ids: Vec<String> = (0..300)
        .map(|i| format!("post-{i}"))
        .chain(["person-1".to_string(), "drafts.post-7".to_string()])
        .collect();
    let params = json!({
        "ids": ["post-1", "person-2", "drafts.post-14", "nope"],
        "many": many_ids,
        "author": "person-1",
        "refs": ["person-2", "person-3", 7],
        "min": 499,
        "t": "2024-06-01",
        "s": "\u{FFFD}",
        "obj": {"a": 1},
        "list": ["news"],
        "yes": true,
        "hostile": "x'); DROP TABLE documents; --",
        "none": null,
    });
    let table: &[(&str, Expect)] = &[
        // System attributes, through their columns.
        (r#"_type == "post""#, Complete),
        (r#""post" == _type"#, Complete),
        (r#"_type != "post""#, Complete),
        (r#"_id == "person-1""#, Complete),
        (
            r#"_id in ["post-1", "person-2", "drafts.post-7", "nope"]"#,
            Complete,
        ),
        ("_id in $ids", Complete),
        ("_id in $many", Complete),
        ("_id in []", Complete),
        (r#"_type in ["post", "person"]"#, Complete),
        (r#"_id > "post-5""#, Complete),
        (r#""drafts.z" > _id"#, Complete),
        (r#"_updatedAt >= "2024-06-15T08:30:00.000Z""#, Complete),
        ("_createdAt < $t", Complete),
        (r#"_rev == "rev-3""#, Complete),
        ("_id == 5", Complete),
        ("_id == null", Complete),
        ("_type > 3", Complete),
        ("_id in [1, 2]", Complete),
        ("defined(_id)", Complete),
        ("$author == _id", Complete),
        // Numbers and what else sits in a number field.
        ("views > 500", Complete),
        ("views >= 500", Complete),
        ("views < 500", Complete),
        ("views <= 500.0", Complete),
        ("views == 500", Complete),
        ("views != 500", Complete),
        ("500 < views", Complete),
        ("$min >= views", Complete),
        ("views == -3.5", Complete),
        ("views < -3", Complete),
        ("views == 0", Complete),
        ("views == 9007199254740992", Complete),
        ("views > 1e300", Complete),
        (r#"views == "500""#, Complete),
        (r#"views > "4""#, Complete),
        ("views in [500, -3, 0]", Complete),
        (r#"views in ["500", ""]"#, Complete),
        ("views in 0..500", Complete),
        ("views in 0...500", Complete),
        (r#"views in "4".."6""#, Complete),
        ("views == true", Complete),
        ("views == null", Complete),
        // Strings, by code point.
        (r#"title == "مرحبا بالعالم""#, Complete),
        (r#"title > "m""#, Complete),
        (r#"title < "🚀""#, Complete),
        ("title >= $s", Complete),
        (r#"title < "a""#, Complete),
        (r#"title == """#, Complete),
        ("title == null", Complete),
        ("title != null", Complete),
        ("title == $hostile", Complete),
        (r#"title == "5""#, Complete),
        ("title == $none", Complete),
        // Booleans.
        ("flag == true", Complete),
        ("flag == false", Complete),
        ("flag != true", Complete),
        ("flag == $yes", Complete),
        ("flag == 1", Complete),
        // defined() and nested paths.
        ("defined(title)", Complete),
        ("!defined(title)", Complete),
        ("defined(seo.title)", Complete),
        (r#"seo.title == "SEO""#, Complete),
        ("seo.title == null", Complete),
        (r#"seo.title > "R""#, Complete),
        ("defined(seo.deep.x)", Complete),
        ("author._ref == $author", Complete),
        (r#"author._ref in ["person-1", "person-2"]"#, Complete),
        ("@.author[\"_ref\"] == $author", Complete),
        // Membership in an array field.
        (r#""news" in tags"#, Complete),
        ("$author in tags", Complete),
        ("1 in tags", Complete),
        ("2.5 in tags", Complete),
        ("null in tags", Complete),
        ("true in tags", Complete),
        ("false in tags", Complete),
        (r#""مقال" in tags"#, Complete),
        // references(): pushed, but core checks the rows.
        (r#"references("person-1")"#, Partial),
        (r#"references("person-9")"#, Partial),
        ("references($refs)", Partial),
        (
            r#"references("person-3", ["image-abc-10x10-png"])"#,
            Partial,
        ),
        (r#"references("person-4")"#, Partial),
        ("references([])", Partial),
        (r#"references("drafts.person-2")"#, Partial),
        // Combinations.
        (r#"_type == "post" && views > 500"#, Complete),
        (r#"_type == "post" || _type == "person""#, Complete),
        ("!(views > 500)", Complete),
        (r#"!(_type == "post" && views > 500)"#, Complete),
        ("(flag == true || views < 0) && defined(title)", Complete),
        (r#"!(_type == "post" || defined(seo.title))"#, Complete),
        (r#"views > 500 || title > "m""#, Complete),
        (r#"!(views > 500 || title > "m")"#, Complete),
        (
            r#"_id in $ids || ("news" in tags && !(flag == false))"#,
            Complete,
        ),
        // Part indexable, part not.
        (r#"_type == "post" && title match "hello""#, Partial),
        (r#"_type == "post" && count(tags) > 1"#, Partial),
        (
            r#"count(tags) > 1 && (views >= 500 || flag == true)"#,
            Partial,
        ),
        (r#"_type == "post" && references("person-1")"#, Partial),
        (r#"!references("person-1") && _type == "post""#, Partial),
        (r#"views > 500 && lower(title) == "hello""#, Partial),
        (
            r#"_type == "post" && (title match "x" || views > 10)"#,
            Partial,
        ),
        (r#"$yes == true && _type == "post""#, Partial),
        (
            r#"defined(author) && author._ref == $author && length(title) > 3"#,
            Partial,
        ),
        // Nothing indexable.
        (r#"count(tags) > 1 || _type == "post""#, Nothing),
        (r#"!(_type == "post" && title match "x")"#, Nothing),
        (r#"!references("person-1")"#, Nothing),
        (r#"tags[0] == "news""#, Nothing),
        ("flag > false", Nothing),
        ("views == $obj", Nothing),
        ("tags == $list", Nothing),
        (r#"views in [500, "500"]"#, Nothing),
        ("title", Nothing),
        ("views < null", Nothing),
    ];
    let mut out = Vec::new();
    for &(filter, expect) in table {
        out.push(Case {
            filter: filter.to_string(),
            params: params.clone(),
            expect,
        });
        // An exact predicate is exact under `!` too; a NULL that came out
        // FALSE (or the reverse) shows up here.
        if expect == Complete {
            out.push(Case {
                filter: format!("!({filter})"),
                params: params.clone(),
                expect: Complete,
            });
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Evaluation in core

fn options(params: &Json) -> QueryOptions {
    QueryOptions {
        params: params.as_object().cloned().unwrap_or_default(),
        ..QueryOptions::default()
    }
}

/// The ids `*[filter]` returns over `docs`, by core alone.
fn evaluate(filter: &str, params: &Json, docs: &[Json]) -> BTreeSet<String> {
    let result = groq::evaluate_json(&format!("*[{filter}]._id"), docs, &options(params))
        .unwrap_or_else(|e| panic!("*[{filter}] fails in core: {e:?}"));
    result
        .as_array()
        .unwrap_or_else(|| panic!("*[{filter}]._id is not an array: {result}"))
        .iter()
        .map(|id| id.as_str().expect("string id").to_string())
        .collect()
}

/// The cases the planner pushes down, with their plans.
fn pushed_cases() -> Vec<(Case, Pushdown)> {
    let pushed: Vec<_> = cases()
        .into_iter()
        .filter_map(|case| plan(&case).map(|pushdown| (case, pushdown)))
        .collect();
    assert!(
        pushed.len() > 100,
        "only {} filters pushed down",
        pushed.len()
    );
    pushed
}

fn plan(case: &Case) -> Option<Pushdown> {
    let query = groq::parse(&format!("*[{}]", case.filter)).expect("filter parses");
    let params: Params = case
        .params
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), Value::from_json(v)))
                .collect()
        })
        .unwrap_or_default();
    let filter = plan::document_filter(&query).expect("a filter over *");
    plan::plan_filter(filter, &params)
}

fn ids_of(docs: &[Json]) -> BTreeSet<String> {
    docs.iter()
        .map(|d| d["_id"].as_str().expect("string _id").to_string())
        .collect()
}

/// Compares what the database `db` returned (the rows' bodies as JSON text)
/// with what core alone answers; `None` when they agree.
fn check(
    db: &str,
    case: &Case,
    pushdown: &Pushdown,
    sql: &SqlFilter,
    bodies: Result<Vec<String>, sqlx::Error>,
    docs: &[Json],
) -> Option<String> {
    let rows: Vec<Json> = match bodies {
        Ok(bodies) => bodies
            .iter()
            .map(|body| serde_json::from_str(body).expect("body is JSON"))
            .collect(),
        Err(e) => {
            return Some(format!(
                "*[{}]: {db} error {e}\n  sql: {}",
                case.filter, sql.sql
            ))
        }
    };
    let expected = evaluate(&case.filter, &case.params, docs);
    let from_rows = evaluate(&case.filter, &case.params, &rows);
    let returned = ids_of(&rows);
    let describe = |what: &str, got: &BTreeSet<String>| {
        format!(
            "*[{}]: {what}\n  missing: {:?}\n  extra:   {:?}\n  sql: {}\n  params: {:?}",
            case.filter,
            expected.difference(got).collect::<Vec<_>>(),
            got.difference(&expected).collect::<Vec<_>>(),
            sql.sql,
            sql.params
        )
    };
    if from_rows != expected {
        return Some(describe(
            "core over the SQL rows differs from core over all",
            &from_rows,
        ));
    }
    if pushdown.complete && returned != expected {
        return Some(describe(
            "complete push-down: the SQL rows alone differ",
            &returned,
        ));
    }
    None
}

fn assert_no_failures(failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

// ---------------------------------------------------------------------------
// SQLite (the D1 schema)

async fn sqlite(docs: &[Json]) -> SqlitePool {
    // Each connection to `:memory:` is its own database, so keep exactly one.
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await
        .expect("open in-memory SQLite");
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../d1-migrations");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("read d1-migrations/")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no migrations in {dir}");
    for file in files {
        let sql = std::fs::read_to_string(&file).expect("read migration");
        sqlx::raw_sql(&sql)
            .execute(&pool)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    }
    for row in rows(docs) {
        let mut query = sqlx::query(
            "INSERT INTO documents (dataset, id, type, rev, created_at, updated_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
        );
        for value in row {
            query = query.bind(value);
        }
        query.execute(&pool).await.expect("insert into SQLite");
    }
    pool
}

/// The rows of `documents` for `docs` and for another dataset, in column
/// order.
fn rows(docs: &[Json]) -> Vec<[String; 7]> {
    let others = other_dataset();
    docs.iter()
        .map(|d| (DATASET, d))
        .chain(others.iter().map(|d| ("other", d)))
        .map(|(dataset, doc)| {
            [
                dataset.to_string(),
                text(doc, "_id"),
                text(doc, "_type"),
                text(doc, "_rev"),
                text(doc, "_createdAt"),
                text(doc, "_updatedAt"),
                doc.to_string(),
            ]
        })
        .collect()
}

fn text(doc: &Json, key: &str) -> String {
    doc[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} of {doc} is not a string"))
        .to_string()
}

async fn sqlite_bodies(pool: &SqlitePool, filter: &SqlFilter) -> Result<Vec<String>, sqlx::Error> {
    let sql = format!(
        "SELECT body FROM documents WHERE dataset = ? AND ({})",
        filter.sql
    );
    let query = sqlx::query(&sql).bind(DATASET);
    let rows = bind_all(query, &filter.params).fetch_all(pool).await?;
    Ok(rows.iter().map(|row| row.get("body")).collect())
}

#[tokio::test]
async fn sqlite_rows_give_the_same_answer_as_core() {
    let docs = documents();
    let pool = sqlite(&docs).await;
    let mut failures = Vec::new();
    for (case, pushdown) in pushed_cases() {
        let sql = plan::to_sqlite(&pushdown.predicate);
        // One more parameter binds the dataset.
        assert!(
            sql.params.len() < D1_MAX_PARAMS,
            "*[{}] binds {} parameters",
            case.filter,
            sql.params.len()
        );
        let bodies = sqlite_bodies(&pool, &sql).await;
        failures.extend(check("SQLite", &case, &pushdown, &sql, bodies, &docs));
    }
    assert_no_failures(&failures);
}

// ---------------------------------------------------------------------------
// PostgreSQL

/// A database of its own for one run, dropped at the end.
struct Postgres {
    admin: PgPool,
    pool: PgPool,
    database: String,
}

async fn postgres(docs: &[Json]) -> Postgres {
    let url = std::env::var("QANAT_TEST_DATABASE_URL").unwrap_or_else(|_| {
        panic!(
            "QANAT_TEST_DATABASE_URL is not set: this test needs a PostgreSQL database. \
             Run scripts/test.sh, which starts one and exports the variable, or export \
             QANAT_TEST_DATABASE_URL=postgres://user:password@host:port/database yourself \
             (the role needs CREATEDB)."
        )
    });
    let options = PgConnectOptions::from_str(&url)
        .unwrap_or_else(|e| panic!("QANAT_TEST_DATABASE_URL ({url}) is not a Postgres URL: {e}"));
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(options.clone())
        .await
        .unwrap_or_else(|e| panic!("cannot connect to QANAT_TEST_DATABASE_URL ({url}): {e}"));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_nanos();
    let database = format!("qanat_pushdown_{}_{nanos}", std::process::id());
    // A language-aware default collation (ICU's en-US sorts "a" before "B"),
    // as production databases usually have, so the test shows that string
    // ordering follows GROQ's code points and not the database's collation.
    let icu = format!(
        "CREATE DATABASE {database} TEMPLATE template0 ENCODING 'UTF8' \
         LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"
    );
    if let Err(e) = sqlx::raw_sql(&icu).execute(&admin).await {
        eprintln!(
            "note: no ICU collation ({e}); string order is tested under the server's default only"
        );
        sqlx::raw_sql(&format!(
            "CREATE DATABASE {database} TEMPLATE template0 ENCODING 'UTF8'"
        ))
        .execute(&admin)
        .await
        .unwrap_or_else(|e| panic!("CREATE DATABASE {database} failed (needs CREATEDB): {e}"));
    }
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(options.database(&database))
        .await
        .unwrap_or_else(|e| panic!("cannot connect to the scratch database {database}: {e}"));
    sqlx::raw_sql(
        "CREATE TABLE documents (
             dataset    TEXT NOT NULL,
             id         TEXT NOT NULL,
             type       TEXT NOT NULL,
             rev        TEXT NOT NULL,
             created_at TEXT NOT NULL,
             updated_at TEXT NOT NULL,
             body       JSONB NOT NULL,
             PRIMARY KEY (dataset, id)
         );
         CREATE INDEX documents_by_type ON documents (dataset, type);",
    )
    .execute(&pool)
    .await
    .expect("create the documents table");
    for row in rows(docs) {
        let mut query = sqlx::query(
            "INSERT INTO documents (dataset, id, type, rev, created_at, updated_at, body) \
             VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)",
        );
        for value in row {
            query = query.bind(value);
        }
        query.execute(&pool).await.expect("insert into PostgreSQL");
    }
    Postgres {
        admin,
        pool,
        database,
    }
}

impl Postgres {
    async fn drop_database(self) -> Result<(), sqlx::Error> {
        self.pool.close().await;
        sqlx::raw_sql(&format!("DROP DATABASE {} WITH (FORCE)", self.database))
            .execute(&self.admin)
            .await
            .map(|_| ())
    }
}

async fn postgres_bodies(pg: &Postgres, filter: &SqlFilter) -> Result<Vec<String>, sqlx::Error> {
    let sql = format!(
        "SELECT body::text AS body FROM documents WHERE dataset = $1 AND ({})",
        filter.sql
    );
    let mut query = sqlx::query(&sql).bind(DATASET);
    for param in &filter.params {
        query = match param {
            SqlParam::Text(s) => query.bind(s.clone()),
            SqlParam::Real(n) => query.bind(*n),
            SqlParam::Bool(b) => query.bind(*b),
            SqlParam::TextArray(items) => query.bind(items.clone()),
            SqlParam::RealArray(items) => query.bind(items.clone()),
        };
    }
    let rows = query.fetch_all(&pg.pool).await?;
    Ok(rows.iter().map(|row| row.get("body")).collect())
}

#[tokio::test]
async fn postgres_rows_give_the_same_answer_as_core() {
    let docs = documents();
    // Before the database exists, so a failing assertion leaves nothing behind.
    let pushed = pushed_cases();
    let pg = postgres(&docs).await;
    let mut failures = Vec::new();
    for (case, pushdown) in pushed {
        let sql = plan::to_postgres(&pushdown.predicate, 2);
        let bodies = postgres_bodies(&pg, &sql).await;
        failures.extend(check("PostgreSQL", &case, &pushdown, &sql, bodies, &docs));
    }
    // Dropped before asserting, so a failing run leaves nothing behind.
    let dropped = pg.drop_database().await;
    assert_no_failures(&failures);
    dropped.expect("drop the scratch database");
}

// ---------------------------------------------------------------------------
// The planner's choices

#[test]
fn the_planner_pushes_down_what_it_should() {
    let mut wrong = Vec::new();
    for case in cases() {
        let got = match plan(&case) {
            None => Nothing,
            Some(p) if p.complete => Complete,
            Some(_) => Partial,
        };
        if got != case.expect {
            wrong.push(format!(
                "*[{}]: expected {:?}, planned {:?}",
                case.filter, case.expect, got
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_dataset_hits_the_edges() {
    let docs = documents();
    assert!((60..=200).contains(&docs.len()), "{} documents", docs.len());
    // Each filter here must select some documents and leave out others, or
    // the equivalence checks above would prove little.
    let params = json!({});
    for filter in [
        r#"_type == "post""#,
        "views > 500",
        "views == 500",
        r#"views == "500""#,
        "!defined(views)",
        "views == null",
        "flag == true",
        "flag == 1",
        r#""news" in tags"#,
        "null in tags",
        r#"references("person-1")"#,
        r#"author._ref == "person-1""#,
        "defined(seo.title)",
        r#"title > "\uFFFD""#,
        r#"_id match "drafts.*""#,
    ] {
        let n = evaluate(filter, &params, &docs).len();
        assert!(
            0 < n && n < docs.len(),
            "*[{filter}] selects {n} of {}",
            docs.len()
        );
    }
}
