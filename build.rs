//! Rebuilds the binary when a migration changes: `refinery::embed_migrations!`
//! reads `migrations/` at compile time, and cargo cannot see that on its own.
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
}
