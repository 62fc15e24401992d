//! `prof trend METRIC`: one metric of one group of one benchmark, run by run.

use std::process::ExitCode;

use crate::cli::{Cli, TrendArgs, TrendFormat};
use crate::db::{self, Access, series};
use crate::error::{self, Error, Result};
use crate::model::{RunTotal, TrendSeries};
use crate::render::markdown;
use crate::report::trend;

use super::files::check_templates_dir;
use super::print;

pub fn run(cli: &Cli, args: &TrendArgs) -> Result<ExitCode> {
    check_templates_dir(args.templates.as_deref())?;
    let db_path = cli.db_path();
    let conn = db::open(&db_path, Access::ReadOnly)?;
    let sql = |e: rusqlite::Error| error::sqlite(&db_path, &e);
    let (name, series) = match RunTotal::from_name(&args.metric) {
        Some(total) => {
            if let Some(stat) = args.stat {
                return Err(Error::usage(format!(
                    "`{}` is one value per run; drop --stat {}",
                    args.metric,
                    clap::ValueEnum::to_possible_value(&stat)
                        .map(|v| v.get_name().to_string())
                        .unwrap_or_default()
                )));
            }
            if let Some(group) = &args.group {
                return Err(Error::usage(format!(
                    "`{}` is a run's total over every group; drop --group {group}",
                    args.metric
                )));
            }
            let names = series::benchmark_names(&conn, args.name.as_deref()).map_err(sql)?;
            (
                pick_benchmark(&args.metric, &names)?,
                TrendSeries::Total(total),
            )
        }
        None => {
            let owners = series::metric_owners(
                &conn,
                &args.metric,
                args.name.as_deref(),
                args.group.as_deref(),
            )
            .map_err(sql)?;
            let (name, group) = pick_owner(
                &args.metric,
                &owners,
                args.name.as_deref(),
                args.group.as_deref(),
            )?;
            let series = TrendSeries::Metric {
                group,
                metric: args.metric.clone(),
                stat: args.stat.unwrap_or(crate::model::TrendStat::Sum),
            };
            (name, series)
        }
    };
    // Without --branch the trend keeps to one branch, the newest run's, so
    // a PR's runs never sit between main's in one series.
    let branch = match &args.branch {
        Some(branch) => Some(branch.clone()),
        None => {
            let newest = series::newest_series_branch(&conn, &name, &series)
                .map_err(sql)?
                .flatten();
            crate::note!(
                "prof: trend of {} on branch {} (the newest run's; --branch chooses another)",
                name,
                newest.as_deref().unwrap_or("(none)")
            );
            newest
        }
    };
    let points =
        series::series_history(&conn, &name, &series, branch.as_deref(), args.last).map_err(sql)?;
    let (group, stat) = match &series {
        TrendSeries::Metric { group, stat, .. } => (group.as_str(), stat.column()),
        TrendSeries::Total(_) => ("all groups", "total"),
    };
    if points.is_empty() {
        return Err(Error::usage(format!(
            "no runs of {name} on branch {} have the {stat} of {} in {group}",
            branch.as_deref().unwrap_or("(none)"),
            args.metric
        )));
    }
    let mut trend = trend::build(&name, group, &args.metric, stat, branch.as_deref(), &points);
    let mut excluded = Vec::with_capacity(points.len());
    for point in &points {
        let reason = crate::db::annotations::exclusion_reason(&conn, point.run_id).map_err(sql)?;
        excluded.push(reason.is_some());
    }
    // Values that lost non-finite samples read low: marked, and no point
    // for change detection, as in `prof changes`.
    let ids: Vec<i64> = points.iter().map(|p| p.run_id).collect();
    let lost = crate::db::history::lost_series_of_runs(&conn, &ids).map_err(sql)?;
    let (lost_group, lost_metric) = match &series {
        TrendSeries::Metric { group, metric, .. } => (group.clone(), metric.clone()),
        TrendSeries::Total(total) => (String::new(), total.column().to_string()),
    };
    let incomplete: Vec<bool> = points
        .iter()
        .map(|p| lost.contains(&(p.run_id, lost_group.clone(), lost_metric.clone())))
        .collect();
    // A counter's series is exact, whichever statistic is shown.
    let counter = match &series {
        TrendSeries::Metric { group, metric, .. } => {
            series::counter_at_every_run(&conn, &ids, group, metric).map_err(sql)?
        }
        TrendSeries::Total(_) => false,
    };
    crate::report::changes::mark_trend(
        &mut trend,
        &excluded,
        &incomplete,
        counter,
        &crate::stats::changepoint::Options::default(),
    );
    let text = match args.format {
        TrendFormat::Md => markdown::render_trend(&trend, args.templates.as_deref())?,
        TrendFormat::Csv => trend::to_csv(&trend),
        TrendFormat::Json => crate::render::json::document(&trend),
    };
    print(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// The one benchmark a run-total trend follows, or an error naming them.
fn pick_benchmark(metric: &str, names: &[String]) -> Result<String> {
    match names {
        [] => Err(Error::usage(format!(
            "no run to follow `{metric}` in (check --name with `prof runs`)"
        ))),
        [name] => Ok(name.clone()),
        many => Err(Error::usage(format!(
            "`{metric}` is in several benchmarks ({}); choose one with --name",
            many.join(", ")
        ))),
    }
}

/// The one (benchmark, group) the user means, or an error naming the choices.
fn pick_owner(
    metric: &str,
    owners: &[(String, String)],
    name: Option<&str>,
    group: Option<&str>,
) -> Result<(String, String)> {
    match owners {
        [] => {
            let scope = match (name, group) {
                (Some(n), Some(g)) => format!(" in group {g} of {n}"),
                (Some(n), None) => format!(" in {n}"),
                (None, Some(g)) => format!(" in group {g}"),
                (None, None) => String::new(),
            };
            Err(Error::usage(format!(
                "no run has metric `{metric}`{scope} (see `prof show latest --all-metrics`)"
            )))
        }
        [(n, g)] => Ok((n.clone(), g.clone())),
        many => {
            let names: std::collections::BTreeSet<&str> =
                many.iter().map(|(n, _)| n.as_str()).collect();
            let groups: std::collections::BTreeSet<&str> =
                many.iter().map(|(_, g)| g.as_str()).collect();
            let list = |items: std::collections::BTreeSet<&str>| {
                items.into_iter().collect::<Vec<_>>().join(", ")
            };
            match (names.len() > 1, groups.len() > 1) {
                (true, true) => Err(Error::usage(format!(
                    "`{metric}` is in several benchmarks ({}) and groups ({}); choose with --name and --group",
                    list(names),
                    list(groups)
                ))),
                (true, false) => Err(Error::usage(format!(
                    "`{metric}` is in several benchmarks ({}); choose one with --name",
                    list(names)
                ))),
                _ => Err(Error::usage(format!(
                    "`{metric}` is in several groups ({}); choose one with --group",
                    list(groups)
                ))),
            }
        }
    }
}
