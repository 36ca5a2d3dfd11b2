//! `qanat groq` run as a real process over a real NDJSON file.

use std::process::Command;

fn qanat(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_qanat"))
        .args(args)
        .output()
        .expect("qanat runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn queries_an_ndjson_file() {
    let dir = std::env::temp_dir().join(format!("qanat-groq-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let data = dir.join("data.ndjson");
    std::fs::write(
        &data,
        concat!(
            r#"{"_id":"a1","_type":"author","name":"Ibn Battuta"}"#,
            "\n",
            r#"{"_id":"p1","_type":"post","title":"الرحلة","views":900,"author":{"_ref":"a1"}}"#,
            "\n",
            "\n",
            r#"{"_id":"p2","_type":"post","title":"Notes","views":10,"author":{"_ref":"a1"}}"#,
            "\n",
        ),
    )
    .expect("write dataset");
    let data = data.to_string_lossy().into_owned();

    let (ok, out, err) = qanat(&[
        "groq",
        r#"*[_type == "post" && views > $min] | order(views desc){title, "author": author->name}"#,
        "--dataset",
        &data,
        "--param",
        "min=100",
        "--compact",
    ]);
    assert!(ok, "{err}");
    assert_eq!(out.trim(), r#"[{"title":"الرحلة","author":"Ibn Battuta"}]"#);

    let (ok, _, err) = qanat(&["groq", "*[_type == ", "--dataset", &data]);
    assert!(!ok);
    assert!(err.contains("queryParseError"), "{err}");

    let (ok, _, err) = qanat(&["groq", "*", "--dataset", &data, "--param", "nojson"]);
    assert!(!ok);
    assert!(err.contains("--param"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}
