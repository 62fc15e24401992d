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

#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    version: u32,
    files: BTreeMap<String, Entry>,
}

/// The output directory and what is in it.
pub struct SiteDir {
    root: PathBuf,
    old: BTreeMap<String, Entry>,
    new: BTreeMap<String, Entry>,
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
        let old = match std::fs::read_to_string(root.join(MANIFEST)) {
            Ok(text) => match serde_json::from_str::<Manifest>(&text) {
                Ok(m) if m.version == LAYOUT_VERSION => m.files,
                // An unreadable or older manifest means a full rebuild.
                _ => BTreeMap::new(),
            },
            Err(_) => BTreeMap::new(),
        };
        Ok(SiteDir {
            root: root.to_path_buf(),
            old,
            new: BTreeMap::new(),
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
                key: String::new(),
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
    crate::commands::compare::write_file(&path, text)
}

/// The entry of a page built from `key` with content `text`.
pub fn entry(key: &str, text: &str, files: Vec<String>) -> Entry {
    Entry {
        key: key.to_string(),
        hash: hash(text),
        files,
    }
}
