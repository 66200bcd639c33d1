//! The contract crate stays free of IO: no tokio, actix or reqwest anywhere in its dependencies.

use std::process::Command;

#[test]
fn models_depends_on_no_runtime_web_framework_or_http_client() {
    let output = Command::new(env!("CARGO"))
        .args(["tree", "-p", "models", "-e", "normal", "--prefix", "none", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(output.status.success(), "cargo tree failed: {}", String::from_utf8_lossy(&output.stderr));
    let tree = String::from_utf8(output.stdout).unwrap();
    assert!(tree.contains("serde"), "the tree lists the real dependencies:\n{tree}");
    for forbidden in ["tokio", "actix", "reqwest", "hyper"] {
        assert!(!tree.lines().any(|line| line.starts_with(forbidden)), "models depends on {forbidden}:\n{tree}");
    }
}
