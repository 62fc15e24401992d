//! How the harness measures: one child process at a time (wall time, CPU
//! time and peak RSS from `wait4`), a row as the spread of several runs of
//! the same measurement, and the table cells that print them.

use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What one child process cost.
#[derive(Clone)]
pub struct Measured {
    pub wall: Duration,
    pub cpu: Duration,
    pub peak_rss_bytes: u64,
}

/// Every measurement of one row, `runs` of them, in the order they ran.
#[derive(Clone)]
pub struct Spread {
    runs: Vec<Measured>,
}

impl Spread {
    /// The measurement with the median wall time; its RSS is the median RSS.
    pub fn median(&self) -> Measured {
        let mut middle = median_of(&self.runs, |m| m.wall).clone();
        middle.peak_rss_bytes = median_of(&self.runs, |m| m.peak_rss_bytes).peak_rss_bytes;
        middle
    }

    /// How many runs were measured.
    pub fn len(&self) -> usize {
        self.runs.len()
    }

    /// One more run of the same row.
    pub fn push(&mut self, run: Measured) {
        self.runs.push(run);
    }

    /// Min, median and max of one quantity.
    fn min_median_max<T: Ord + Copy>(&self, key: impl Fn(&Measured) -> T) -> (T, T, T) {
        let median = key(median_of(&self.runs, &key));
        let values = self.runs.iter().map(&key);
        let min = values.clone().min().unwrap_or(median);
        (min, median, values.max().unwrap_or(median))
    }

    /// `median (min–max)` of one quantity, formatted by `show`.
    fn cell<T: Ord + Copy>(
        &self,
        key: impl Fn(&Measured) -> T,
        show: impl Fn(T) -> String,
    ) -> String {
        let (min, median, max) = self.min_median_max(key);
        if self.runs.len() > 1 {
            format!("{} ({}–{})", show(median), show(min), show(max))
        } else {
            show(median)
        }
    }

    /// `min / median / max` of wall time, the order the speed table reads
    /// left to right.
    pub fn wall_min_median_max(&self) -> String {
        let (min, median, max) = self.min_median_max(|m| m.wall);
        format!("{} / {} / {}", ms(min), ms(median), ms(max))
    }
}

/// The element whose `key` is the median (the lower one of an even count).
fn median_of<T: Ord>(runs: &[Measured], key: impl Fn(&Measured) -> T) -> &Measured {
    let mut sorted: Vec<&Measured> = runs.iter().collect();
    sorted.sort_by_key(|m| key(m));
    sorted[(sorted.len() - 1) / 2]
}

/// Measures `runs` times (at least once); `once(i)` sets up and measures
/// the `i`-th run.
pub fn repeat(
    runs: usize,
    mut once: impl FnMut(usize) -> Result<Measured, String>,
) -> Result<Spread, String> {
    let runs = (0..runs.max(1)).map(&mut once).collect::<Result<_, _>>()?;
    Ok(Spread { runs })
}

/// A row whose fastest run is under this is short: one scheduler
/// hiccup on a loaded machine moves it by as much as it costs.
pub const SHORT: Duration = Duration::from_millis(100);

/// How many runs a short row needs at least, so its median is one of many.
pub const SHORT_RUNS: usize = 20;

/// How many runs a row needs in all, given what its first runs measured:
/// `runs`, or at least `SHORT_RUNS` for a short row. A row is short when
/// its fastest run was: on a loaded machine the first few runs' median can
/// land above the line for a row that costs far less.
pub fn enough_runs(runs: usize, so_far: &Spread) -> usize {
    if so_far.min_median_max(|m| m.wall).0 < SHORT {
        runs.max(SHORT_RUNS)
    } else {
        runs
    }
}

/// Like `repeat`, then more runs while the row turns out to be short
/// (`enough_runs`).
pub fn repeat_enough(
    runs: usize,
    mut once: impl FnMut(usize) -> Result<Measured, String>,
) -> Result<Spread, String> {
    let mut spread = repeat(runs, &mut once)?;
    for i in spread.len()..enough_runs(runs, &spread) {
        spread.push(once(i)?);
    }
    Ok(spread)
}

/// Runs the command `build` makes `runs` times, nothing between.
pub fn repeat_command(runs: usize, mut build: impl FnMut() -> Command) -> Result<Spread, String> {
    repeat(runs, |_| measure(&mut build()))
}

/// The table's header: every row is the spread of `runs` runs.
pub fn header(runs: usize) {
    println!("| what | wall: median (min–max) of {runs} | peak RSS: median (min–max) | notes |");
    println!("|---|---:|---:|---|");
}

pub fn row(what: &str, spread: &Spread, notes: &str) {
    println!(
        "| {what} | {} | {} | {notes} |",
        spread.cell(|m| m.wall, ms),
        spread.cell(|m| m.peak_rss_bytes, mib)
    );
}

/// Median wall time of `a` over that of `b`.
pub fn ratio(a: &Spread, b: &Spread) -> f64 {
    a.median().wall.as_secs_f64() / b.median().wall.as_secs_f64()
}

pub fn ms(d: Duration) -> String {
    if d.as_secs_f64() >= 1.0 {
        format!("{:.2} s", d.as_secs_f64())
    } else {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    }
}

pub fn mib(bytes: u64) -> String {
    format!("{:.0} MB", bytes as f64 / 1e6)
}

/// `prof` on database `db`, without the CI variables of this machine.
pub fn prof_cmd(prof: &Path, db: &Path) -> Command {
    let mut command = Command::new(prof);
    command
        .arg("--db")
        .arg(db)
        .env_remove("GITHUB_SHA")
        .env_remove("GITHUB_REF_NAME")
        .env_remove("GITHUB_HEAD_REF");
    command
}

/// The database file and its WAL.
pub fn db_bytes(db: &Path) -> u64 {
    ["", "-wal"]
        .iter()
        .filter_map(|suffix| fs::metadata(format!("{}{suffix}", db.display())).ok())
        .map(|m| m.len())
        .sum()
}

pub fn remove_db(db: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = fs::remove_file(format!("{}{suffix}", db.display()));
    }
}

/// Bytes of every file under `dir`.
pub fn dir_bytes(dir: &Path) -> u64 {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            let path = e.path();
            if path.is_dir() {
                dir_bytes(&path)
            } else {
                e.metadata().map(|m| m.len()).unwrap_or(0)
            }
        })
        .sum()
}

/// Runs `command` to completion; fails unless it exits 0. Its stderr is
/// read while it runs, so a child that writes a lot there cannot block on
/// a full pipe.
pub fn measure(command: &mut Command) -> Result<Measured, String> {
    let start = Instant::now();
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut pipe = child.stderr.take().expect("stderr is piped");
    let reader = std::thread::spawn(move || {
        let mut stderr = Vec::new();
        let _ = pipe.read_to_end(&mut stderr);
        stderr
    });
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our child, not yet waited for; both pointers are valid.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    let stderr = reader.join().unwrap_or_default();
    if waited != pid {
        return Err(format!("wait4 failed for {command:?}"));
    }
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        return Err(format!(
            "{command:?} failed: {}",
            String::from_utf8_lossy(&stderr)
        ));
    }
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    Ok(Measured {
        wall,
        cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
        peak_rss_bytes: usage.ru_maxrss as u64 * 1024,
    })
}
