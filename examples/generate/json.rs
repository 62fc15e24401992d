//! Streaming writer for the metrics document: entries go straight to the
//! underlying writer, so memory stays constant however large the file.
//!
//! The document's two arrays must each be contiguous, but a run interleaves
//! counters and gauges; the caller therefore walks the run once per array and
//! [`Out`] keeps only the entries of the array being written.

use std::fmt::Write as _;
use std::io::{self, Write};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
}

impl Kind {
    fn key(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
        }
    }
}

/// `decimals` that prints every digit, as producers print rates.
pub const FULL_PRECISION: u8 = u8::MAX;

/// A value as the producer would print it: counts are integers, reals keep
/// `decimals` fractional digits (0 prints an integer).
#[derive(Clone, Copy, Debug)]
pub enum Value {
    Count(u64),
    Real(f64, u8),
}

/// How entries are laid out: `serde_json`'s pretty printer (as in real
/// files) or one entry per line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    Pretty,
    Compact,
}

pub struct Out<W: Write> {
    w: W,
    layout: Layout,
    /// The array being written; `None` keeps every entry (used for sizing,
    /// where only the byte count matters).
    only: Option<Kind>,
    first_in_array: bool,
    first_array: bool,
    pub entries: u64,
    error: Option<io::Error>,
    scratch: String,
}

impl<W: Write> Out<W> {
    pub fn new(w: W, layout: Layout) -> Self {
        let mut out = Out {
            w,
            layout,
            only: None,
            first_in_array: true,
            first_array: true,
            entries: 0,
            error: None,
            scratch: String::new(),
        };
        out.raw("{");
        out
    }

    /// Whether writing has failed; the walk stops early when it has.
    pub fn failed(&self) -> bool {
        self.error.is_some()
    }

    /// Starts the array of `kind` (or, with `None`, one array that takes
    /// every entry, for measuring).
    pub fn begin_array(&mut self, kind: Option<Kind>) {
        let key = kind.unwrap_or(Kind::Counter).key();
        let sep = if self.first_array { "" } else { "," };
        match self.layout {
            Layout::Pretty => self.raw(&format!("{sep}\n  \"{key}\": [")),
            Layout::Compact => self.raw(&format!("{sep}\"{key}\":[")),
        }
        self.first_array = false;
        self.first_in_array = true;
        self.only = kind;
    }

    pub fn end_array(&mut self) {
        if !self.first_in_array {
            self.raw(if self.layout == Layout::Pretty {
                "\n  ]"
            } else {
                "\n]"
            });
        } else {
            self.raw("]");
        }
    }

    /// Closes the document and returns the writer, or the first error.
    pub fn finish(mut self) -> io::Result<W> {
        self.raw(if self.layout == Layout::Pretty {
            "\n}"
        } else {
            "}\n"
        });
        let flushed = self.w.flush();
        self.check(flushed);
        match self.error {
            Some(error) => Err(error),
            None => Ok(self.w),
        }
    }

    pub fn entry(
        &mut self,
        kind: Kind,
        labels: &[(&str, &str)],
        metric: &str,
        value: Value,
        metric_first: bool,
    ) {
        if self.only.is_some_and(|only| only != kind) || self.error.is_some() {
            return;
        }
        self.entries += 1;
        let pretty = self.layout == Layout::Pretty;
        let sep = if self.first_in_array { "" } else { "," };
        self.first_in_array = false;
        self.raw(sep);
        self.raw(if pretty { "\n    {" } else { "\n{" });
        if metric_first {
            self.metric(metric);
            self.raw(",");
            self.labels(labels);
        } else {
            self.labels(labels);
            self.raw(",");
            self.metric(metric);
        }
        self.raw(if pretty {
            ",\n      \"value\": "
        } else {
            ",\"value\":"
        });
        self.scratch.clear();
        let _ = match value {
            Value::Count(n) => write!(self.scratch, "\"{n}\""),
            Value::Real(x, 0) => write!(self.scratch, "\"{}\"", x.round() as i64),
            Value::Real(x, FULL_PRECISION) => write!(self.scratch, "\"{x}\""),
            Value::Real(x, decimals) => {
                let scale = 10f64.powi(i32::from(decimals));
                write!(self.scratch, "\"{}\"", (x * scale).round() / scale)
            }
        };
        if self.error.is_none() {
            let result = self.w.write_all(self.scratch.as_bytes());
            self.check(result);
        }
        self.raw(if pretty { "\n    }" } else { "}" });
    }

    fn metric(&mut self, metric: &str) {
        self.raw(if self.layout == Layout::Pretty {
            "\n      \"metric\": "
        } else {
            "\"metric\":"
        });
        self.string(metric);
    }

    fn labels(&mut self, labels: &[(&str, &str)]) {
        let pretty = self.layout == Layout::Pretty;
        self.raw(if pretty {
            "\n      \"labels\": ["
        } else {
            "\"labels\":["
        });
        for (i, (key, value)) in labels.iter().enumerate() {
            let sep = if i == 0 { "" } else { "," };
            self.raw(sep);
            if pretty {
                self.raw("\n        [\n          ");
                self.string(key);
                self.raw(",\n          ");
                self.string(value);
                self.raw("\n        ]");
            } else {
                self.raw("[");
                self.string(key);
                self.raw(",");
                self.string(value);
                self.raw("]");
            }
        }
        if pretty && !labels.is_empty() {
            self.raw("\n      ]");
        } else {
            self.raw("]");
        }
    }

    /// Writes a JSON string; only text from the command line can need
    /// escaping, so the common case is a plain copy.
    fn string(&mut self, s: &str) {
        if s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
            let result = serde_json::to_writer(&mut self.w, s).map_err(io::Error::from);
            self.check(result);
        } else {
            self.raw("\"");
            self.raw(s);
            self.raw("\"");
        }
    }

    fn raw(&mut self, s: &str) {
        if self.error.is_none() {
            let result = self.w.write_all(s.as_bytes());
            self.check(result);
        }
    }

    fn check(&mut self, result: io::Result<()>) {
        if let Err(error) = result {
            self.error.get_or_insert(error);
        }
    }
}

/// Counts the bytes that pass through, to size the output and to measure
/// candidate shapes without writing them anywhere.
pub struct Counting<W> {
    pub inner: W,
    pub bytes: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
