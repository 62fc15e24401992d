//! Rebuilds the binary when a migration changes: `refinery::embed_migrations!`
//! reads `migrations/` at compile time, and cargo cannot see that on its own.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=templates");
}
