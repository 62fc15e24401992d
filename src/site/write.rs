//! Writes the site incrementally. A manifest in the output directory
//! (`.prof-site.json`) records for every file it wrote a hash of its
//! content, and for run pages the key of what they were built from; a page
//! is rewritten only when its content (index, benchmark pages, stylesheet)
//! or its key (run pages, whose runs never change) differs, or its file is
//! gone. Files a previous build wrote that this one does not are removed;
//! no other file in the directory is touched, and every path is built from
//! safe components, so nothing is written outside it.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

const MANIFEST: &str = ".prof-site.json";

/// Bumped whenever pages change shape, so an old site is rebuilt whole.
const LAYOUT_VERSION: u32 = 1;

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    /// What the file was built from, for files skipped by key.
    #[serde(default)]
    pub key: String,
    /// xxh3 of the content, hex.
    pub hash: String,
    /// Files written along with this one (a run page's flamegraphs).
    #[serde(default)]
    pub files: Vec<String>,
}

/// A group's proof time in one run: (group, weight, serial ms, parallel ms).
pub type GroupTime = (String, i64, f64, f64);

#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    version: u32,
    files: BTreeMap<String, Entry>,
    /// `group_proof_time` of every run the site shows, by run id: stored
    /// runs never change, and computing that view for ten thousand runs
    /// costs a second, so a rebuild asks only for the new ones.
    #[serde(default)]
    proof_times: BTreeMap<i64, Vec<GroupTime>>,
    /// Each benchmark's markers and verdict with the key they were
    /// computed from (see `site::markers`): change detection and a verdict
    /// per benchmark cost more than an incremental build may.
    #[serde(default)]
    marks: BTreeMap<String, crate::site::markers::Marks>,
}

/// The output directory and what is in it.
pub struct SiteDir {
    root: PathBuf,
    old: BTreeMap<String, Entry>,
    new: BTreeMap<String, Entry>,
    /// Proof times from the last build; the caller replaces them.
    pub proof_times: BTreeMap<i64, Vec<GroupTime>>,
    /// Marks from the last build; the caller replaces them.
    pub marks: BTreeMap<String, crate::site::markers::Marks>,
    pub written: usize,
    pub kept: usize,
}

fn hash(text: &str) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(text.as_bytes()))
}

/// A relative path made only of normal components: what the manifest may
/// name (a hand-edited manifest must not steer removals elsewhere).
fn is_inside(relative: &str) -> bool {
    !relative.is_empty()
        && Path::new(relative)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

impl SiteDir {
    pub fn open(root: &Path) -> Result<SiteDir> {
        std::fs::create_dir_all(root).map_err(|e| Error::output(root, &e))?;
        let manifest = std::fs::read_to_string(root.join(MANIFEST))
            .ok()
            .and_then(|text| serde_json::from_str::<Manifest>(&text).ok())
            // An unreadable or older manifest means a full rebuild.
            .filter(|m| m.version == LAYOUT_VERSION)
            .unwrap_or_default();
        Ok(SiteDir {
            root: root.to_path_buf(),
            old: manifest.files,
            new: BTreeMap::new(),
            proof_times: manifest.proof_times,
            marks: manifest.marks,
            written: 0,
            kept: 0,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The recorded entry of `relative` when the file is still there and was
    /// built from `key`: the caller can skip building it.
    pub fn unchanged(&mut self, relative: &str, key: &str) -> bool {
        let Some(entry) = self.old.get(relative) else {
            return false;
        };
        let present = self.root.join(relative).is_file()
            && entry.files.iter().all(|f| self.root.join(f).is_file());
        if entry.key == key && present {
            self.new.insert(relative.to_string(), entry.clone());
            self.kept += 1;
            true
        } else {
            false
        }
    }

    /// Records `relative` as written elsewhere (by a worker thread).
    pub fn record(&mut self, relative: &str, entry: Entry) {
        self.written += 1;
        self.new.insert(relative.to_string(), entry);
    }

    /// Writes `text` to `relative` unless the same content is already there.
    pub fn put(&mut self, relative: &str, text: &str) -> Result<()> {
        self.put_with_key(relative, "", text)
    }

    /// [`SiteDir::put`], recording the key the page was built from so the
    /// next build can skip rendering it ([`SiteDir::unchanged`]).
    pub fn put_with_key(&mut self, relative: &str, key: &str, text: &str) -> Result<()> {
        let content = hash(text);
        let same = self
            .old
            .get(relative)
            .is_some_and(|e| e.hash == content && self.root.join(relative).is_file());
        if same {
            self.kept += 1;
        } else {
            write_in(&self.root, relative, text)?;
            self.written += 1;
        }
        self.new.insert(
            relative.to_string(),
            Entry {
                key: key.to_string(),
                hash: content,
                files: Vec::new(),
            },
        );
        Ok(())
    }

    /// Removes what the last build wrote and this one did not, and saves the
    /// manifest. Returns how many files were removed.
    pub fn finish(self) -> Result<usize> {
        let mut removed = 0;
        let keep: std::collections::HashSet<&str> = self
            .new
            .iter()
            .flat_map(|(path, e)| {
                std::iter::once(path.as_str()).chain(e.files.iter().map(String::as_str))
            })
            .collect();
        for (path, entry) in &self.old {
            for file in std::iter::once(path).chain(&entry.files) {
                if !keep.contains(file.as_str())
                    && is_inside(file)
                    && std::fs::remove_file(self.root.join(file)).is_ok()
                {
                    removed += 1;
                }
            }
        }
        let manifest = Manifest {
            version: LAYOUT_VERSION,
            files: self.new,
            proof_times: self.proof_times,
            marks: self.marks,
        };
        let text = serde_json::to_string(&manifest).expect("the manifest serialises");
        write_in(&self.root, MANIFEST, &text)?;
        Ok(removed)
    }
}

/// Writes `text` to `root/relative`, creating its folder.
pub fn write_in(root: &Path, relative: &str, text: &str) -> Result<()> {
    assert!(
        is_inside(relative),
        "site paths are built from safe parts: {relative}"
    );
    let path = root.join(relative);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::output(parent, &e))?;
    }
    crate::commands::files::write_file(&path, text)
}

/// The entry of a page built from `key` with content `text`.
pub fn entry(key: &str, text: &str, files: Vec<String>) -> Entry {
    Entry {
        key: key.to_string(),
        hash: hash(text),
        files,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_are_inside() {
        for inside in ["index.html", "runs/12.html", "flamegraphs/3/a.b.svg"] {
            assert!(is_inside(inside), "{inside}");
        }
        for outside in ["", "../x", "/etc/passwd", "runs/../../x", "./x"] {
            assert!(!is_inside(outside), "{outside}");
        }
    }

    #[test]
    fn a_second_put_of_the_same_content_keeps_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut site = SiteDir::open(dir.path()).unwrap();
        site.put("a.html", "one").unwrap();
        assert_eq!(site.finish().unwrap(), 0);
        let mut site = SiteDir::open(dir.path()).unwrap();
        site.put("a.html", "one").unwrap();
        assert_eq!((site.written, site.kept), (0, 1));
        assert_eq!(site.finish().unwrap(), 0);
        // A file the last build wrote and this one did not is removed.
        let site = SiteDir::open(dir.path()).unwrap();
        assert_eq!(site.finish().unwrap(), 1);
        assert!(!dir.path().join("a.html").exists());
    }
}
