//! Statistics for verdicts: pure functions over plain slices, with no SQL and
//! no I/O, so each one can be checked against closed forms, published tables
//! and a peer (scipy) on the same numbers.
//!
//! - `describe`: location and spread of a sample (mean, sample standard
//!   deviation, median, MAD).
//! - `special`: log-gamma and the regularized incomplete beta function.
//! - `student_t`: Student's t distribution (CDF, survival function, quantile).
//! - `hypothesis`: the prediction-interval test for one new observation and
//!   Welch's t-test.
//! - `multiple`: Benjamini–Hochberg adjustment over many p-values.
//! - `exact`: whether a series is exact (a counter, or one value).
//! - `changepoint`: where a series's level shifted (E-divisive with a t-test).
//!
//! The special functions are written here rather than taken from `statrs`:
//! verdicts need p-values far in the tail (1e-9 and below) to agree with
//! scipy to 1e-9 relative, which needs a survival function computed from the
//! incomplete beta directly (never `1 - cdf`) and control over the continued
//! fraction's tolerance; that is about 150 lines, tested below against closed
//! forms and tables, and keeps a numerical dependency out of the build.

pub mod changepoint;
pub mod describe;
pub mod exact;
pub mod hypothesis;
pub mod multiple;
#[cfg(test)]
pub(crate) mod seeded;
pub mod special;
pub mod student_t;

pub use describe::{mad_raw, mad_scaled, mean, median, sample_sd};
pub use exact::{MIN_EXACT_HISTORY, is_exact, is_exact_history};
pub use hypothesis::{TTest, prediction_test, welch_test};
pub use multiple::benjamini_hochberg;
pub use student_t::StudentT;
