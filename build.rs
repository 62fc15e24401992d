//! Rebuilds the binary when a migration changes: `refinery::embed_migrations!`
//! reads `migrations/` at compile time, and cargo cannot see that on its own.
//! Writes the newest migration's version for `db::schema::LATEST`, so that
//! opening a database need not ask refinery (which parses every migration).
//! Also marks a CI build (`CI=true`) with `cfg(ci)`, so the tests that need
//! root run there and fail if they cannot, instead of being ignored.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-env-changed=CI");
    println!("cargo:rustc-check-cfg=cfg(ci)");
    if std::env::var("CI").is_ok_and(|value| value == "true") {
        println!("cargo:rustc-cfg=ci");
    }
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("latest_schema_version.rs");
    std::fs::write(out, latest_migration().to_string()).expect("OUT_DIR is writable");
}

/// The highest version among `migrations/V{version}__{name}.sql`, named as
/// refinery reads them (a test checks the two agree).
fn latest_migration() -> i64 {
    std::fs::read_dir("migrations")
        .expect("migrations/ is readable")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".sql"))
        .filter_map(|name| {
            let (version, _) = name.strip_prefix(['V', 'U'])?.split_once("__")?;
            version.parse::<i64>().ok()
        })
        .max()
        .unwrap_or(0)
}
