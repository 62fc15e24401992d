//! Writing prof's output files: checks that run before any work (the
//! output directory exists, `--templates` names known templates), atomic
//! writes, appends, and a report's Markdown files with their attachments.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};
use crate::render::file_names::ReportFiles;
use crate::render::{Attachment, Exporter, markdown::Markdown};
use crate::report::Report;

/// The directory an output file goes to must exist: checked before any
/// work, so a typo costs nothing.
pub fn check_output_dir(path: &Path) -> Result<()> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() && !dir.is_dir() => Err(Error::Output {
            path: path.to_path_buf(),
            detail: format!(
                "cannot write: {} is not a directory (create it first)",
                dir.display()
            ),
        }),
        _ => Ok(()),
    }
}

/// `--templates DIR` must name a directory of known templates.
pub fn check_templates_dir(dir: Option<&Path>) -> Result<()> {
    match dir {
        Some(dir) => crate::render::templates::check_dir(dir),
        None => Ok(()),
    }
}

/// Writes `report` as Markdown into `dir` under the names `files` gives,
/// the main document linking to the others by those names.
pub fn write_report_files(
    report: &mut Report,
    dir: &Path,
    files: &ReportFiles,
    templates: Option<&Path>,
) -> Result<()> {
    for (name, text) in render_report_files(report, files, templates)? {
        write_file(&dir.join(name), &text)?;
    }
    Ok(())
}

/// One report's files rendered, by file name, main file first: rendering
/// every report before writing any means a template error writes nothing.
pub fn render_report_files(
    report: &mut Report,
    files: &ReportFiles,
    templates: Option<&Path>,
) -> Result<Vec<(String, String)>> {
    if let Some(gpu) = &mut report.gpu_memory {
        gpu.svg_file = Some(files.memory_svg.clone());
    }
    let rendered = Markdown {
        templates: templates.map(Path::to_path_buf),
        detailed_file: Some(files.detailed.clone()),
    }
    .render(report)?;
    let mut out = vec![(files.main.clone(), rendered.main)];
    for (attachment, text) in rendered.attachments {
        let name = match attachment {
            Attachment::Detailed => &files.detailed,
            Attachment::MemorySvg => &files.memory_svg,
        };
        out.push((name.clone(), text));
    }
    Ok(out)
}

/// Writes through a temporary file in the same directory, so a reader never
/// sees half a report.
pub fn write_file(path: &Path, text: &str) -> Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::output(path, &e))?;
    temp.write_all(text.as_bytes())
        .map_err(|e| Error::output(path, &e))?;
    // A temporary file is private (0600); a report is an ordinary file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = temp
            .as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644));
    }
    temp.persist(path)
        .map_err(|e| Error::output(path, &e.error))?;
    Ok(())
}

/// Appends `text` to `path`, creating it: `$GITHUB_STEP_SUMMARY` collects
/// the summaries of every step.
pub fn append(path: &Path, text: &str) -> Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| Error::output(path, &e))?;
    file.write_all(text.as_bytes())
        .map_err(|e| Error::output(path, &e))
}
