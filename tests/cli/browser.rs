//! A real browser looks at the site: headless Chromium opens the index, a
//! benchmark page, a run page and a flamegraph, from `file://` (console
//! messages, screenshots) and from a local HTTP server that records every
//! resource the page loads (so a missing stylesheet or image fails). Each
//! screenshot must not be one colour; they are kept under
//! `target/tmp/screenshots`. Chromium must be installed (`.ci/run` does).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::site::{build_site, history};
use crate::support::Sandbox;

fn chromium() -> PathBuf {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        if let Some(path) = std::env::var_os("PATH")
            .iter()
            .flat_map(std::env::split_paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
        {
            return path;
        }
    }
    panic!(
        "chromium is not installed: these tests look at the site in a real browser \
         (apt-get install -y chromium; .ci/run installs it)"
    );
}

/// Runs headless Chromium on `url`; returns its stderr. Every flag keeps it
/// off the network: no background services, and no host name resolves but
/// the loopback address the test serves on.
fn run_chromium(url: &str, screenshot: &Path, extra: &[&str]) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-default-apps",
            "--disable-domain-reliability",
            "--no-pings",
            "--disable-breakpad",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--enable-logging=stderr",
            "--v=0",
            "--hide-scrollbars",
            "--window-size=1280,900",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", screenshot.display()))
        .args(extra)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        for line in BufReader::new(stderr).lines() {
            text.push_str(&line.unwrap_or_default());
            text.push('\n');
        }
        text
    });
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            panic!("chromium did not finish {url} within 90 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    reader.join().unwrap()
}

/// The console messages Chromium logged (any of them fails a test: the
/// site's pages have no scripts, and the flamegraph's script logs nothing
/// when all is well).
fn console_messages(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(":CONSOLE")).collect()
}

/// Decodes a PNG and counts its distinct colours.
fn distinct_colours(path: &Path) -> (usize, [u8; 3]) {
    let decoder = png::Decoder::new(BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buffer).unwrap();
    let channels = info.color_type.samples();
    let bytes = &buffer[..info.buffer_size()];
    let mut colours = std::collections::HashSet::new();
    for pixel in bytes.chunks(channels) {
        colours.insert((pixel[0], pixel[1 % channels], pixel[2 % channels]));
    }
    let first = [bytes[0], bytes[1 % channels], bytes[2 % channels]];
    (colours.len(), first)
}

/// A small static file server on 127.0.0.1 that records each request's
/// path and status; it stops when dropped.
struct Server {
    port: u16,
    log: Arc<Mutex<Vec<(String, u16)>>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start(root: &Path) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (root, log2, stop2) = (root.to_path_buf(), log.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    serve(&root, stream, &log2);
                }
            }
        });
        Server {
            port,
            log,
            stop,
            thread: Some(thread),
        }
    }

    fn requests(&self) -> Vec<(String, u16)> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(root: &Path, mut stream: TcpStream, log: &Mutex<Vec<(String, u16)>>) {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request = String::new();
    // Chromium opens spare connections ahead of need and may close them
    // unused: no request line, nothing to record.
    if reader.read_line(&mut request).is_err() || request.trim().is_empty() {
        return;
    }
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) | Err(_) => break,
            Ok(_) if header.trim().is_empty() => break,
            Ok(_) => {}
        }
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
    let relative = path
        .split(['?', '#'])
        .next()
        .unwrap()
        .trim_start_matches('/');
    let file = root.join(relative);
    let inside = !relative.split('/').any(|c| c == "..");
    let (status, body) = match std::fs::read(&file) {
        Ok(body) if inside && file.is_file() => (200, body),
        _ => (404, b"not found".to_vec()),
    };
    let kind = match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    };
    let head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        if status == 200 { "OK" } else { "Not Found" },
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
    log.lock().unwrap().push((path, status));
}

fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_site_renders_in_a_real_browser_without_errors() {
    let sandbox = Sandbox::new();
    history(&sandbox);
    let site = sandbox.path("site");
    build_site(&sandbox, &site, &[]);
    let flamegraph = crate::flamegraph::walk(&site.join("flamegraphs/4"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "svg"))
        .min()
        .expect("the fibonacci head run has flamegraphs");
    let flamegraph = flamegraph
        .strip_prefix(&site)
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let pages = [
        ("index", "index.html".to_string()),
        ("benchmark", "bench/fibonacci.html".to_string()),
        ("run", "runs/4.html".to_string()),
        ("flamegraph", flamegraph),
    ];
    let shots = screenshot_dir();
    let server = Server::start(&site);
    for (label, page) in &pages {
        let shot = shots.join(format!("{label}.png"));
        let _ = std::fs::remove_file(&shot);
        let url = format!("file://{}", site.join(page).display());
        let stderr = run_chromium(&url, &shot, &[]);
        let console = console_messages(&stderr);
        assert!(console.is_empty(), "{page}: console messages {console:?}");
        let (colours, _) = distinct_colours(&shot);
        assert!(colours > 3, "{page}: a blank render ({colours} colours)");

        let served = shots.join(format!("{label}.http.png"));
        let stderr = run_chromium(
            &format!("http://127.0.0.1:{}/{page}", server.port),
            &served,
            &[],
        );
        assert!(
            console_messages(&stderr).is_empty(),
            "{page} over HTTP: {stderr}"
        );
        let requests = server.requests();
        let failed: Vec<_> = requests
            .iter()
            .filter(|(path, status)| *status != 200 && path != "/favicon.ico")
            .collect();
        assert!(failed.is_empty(), "{page}: failed loads {failed:?}");
        assert!(
            requests.iter().any(|(p, _)| p == &format!("/{page}")),
            "{requests:?}"
        );
        if page.ends_with(".html") {
            assert!(
                requests
                    .iter()
                    .any(|(p, s)| p.ends_with("/site.css") && *s == 200),
                "{page} loads its stylesheet: {requests:?}"
            );
        }
    }
    // Dark mode: the same index on a dark background, still not blank.
    let dark = shots.join("index.dark.png");
    let url = format!("file://{}", site.join("index.html").display());
    run_chromium(
        &url,
        &dark,
        &[
            "--force-dark-mode",
            "--blink-settings=preferredColorScheme=0",
        ],
    );
    let (colours, corner) = distinct_colours(&dark);
    assert!(colours > 3, "dark index is blank");
    let luma = corner.iter().map(|&c| u32::from(c)).sum::<u32>() / 3;
    assert!(
        luma < 80,
        "dark mode has a dark background, found {corner:?}"
    );
}

#[test]
fn the_check_catches_a_missing_stylesheet() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("broken.html"),
        "<!DOCTYPE html><html><head><title>x</title><link rel=\"stylesheet\" href=\"gone.css\"></head><body><p>x</p></body></html>",
    )
    .unwrap();
    let server = Server::start(dir.path());
    let shot = dir.path().join("broken.png");
    run_chromium(
        &format!("http://127.0.0.1:{}/broken.html", server.port),
        &shot,
        &[],
    );
    let requests = server.requests();
    assert!(
        requests.contains(&("/gone.css".to_string(), 404)),
        "{requests:?}"
    );
}
