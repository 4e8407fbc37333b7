//! A small static file server for `www/` (std::net, one thread per connection).
//!
//! GET and HEAD only; `/` and directories serve their index.html; `Cache-Control: no-cache`;
//! every response closes its connection (`Connection: close`), which browsers handle fine.
//! Paths are percent-decoded and resolved segment by segment: `..` is refused, and the final
//! file must lie inside the root after symlinks are resolved.

use std::fs;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

pub fn bind(port: u16) -> io::Result<TcpListener> {
    TcpListener::bind(("127.0.0.1", port))
}

/// Serve on the current thread until the process ends.
pub fn serve_forever(listener: TcpListener, root: PathBuf, log: bool) {
    let root = Arc::new(root);
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                let root = Arc::clone(&root);
                thread::spawn(move || {
                    let _ = handle(stream, &root, log);
                });
            }
            Err(e) => eprintln!("serve: accept failed: {e}"),
        }
    }
}

/// Serve on a background thread; returns the base URL (no trailing slash).
pub fn spawn(root: PathBuf) -> io::Result<String> {
    let listener = bind(0)?;
    let url = format!("http://{}", listener.local_addr()?);
    thread::spawn(move || serve_forever(listener, root, false));
    Ok(url)
}

pub fn mime(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" | "md" | "tsv" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream", // .bin and anything unknown
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[derive(Debug, PartialEq)]
pub enum Resolved {
    File(PathBuf),
    /// A directory asked for without its trailing slash: redirect so relative URLs work.
    Redirect(String),
    BadRequest,
    Forbidden,
    NotFound,
}

/// Map a request target (`/a/b.js?x=1`) to a file under `root`.
pub fn resolve(root: &Path, target: &str) -> Resolved {
    let path = target.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') {
        return Resolved::BadRequest;
    }
    let Some(decoded) = percent_decode(path) else {
        return Resolved::BadRequest;
    };
    if decoded.contains(['\0', '\\']) {
        return Resolved::BadRequest;
    }
    let mut file = root.to_path_buf();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return Resolved::Forbidden,
            s => file.push(s),
        }
    }
    if file.is_dir() {
        if !decoded.ends_with('/') {
            return Resolved::Redirect(format!("{path}/"));
        }
        file.push("index.html");
    }
    // Symlinks must not lead outside the root.
    match (file.canonicalize(), root.canonicalize()) {
        (Ok(f), Ok(r)) if f.starts_with(&r) && f.is_file() => Resolved::File(f),
        (Ok(f), Ok(r)) if !f.starts_with(&r) => Resolved::Forbidden,
        _ => Resolved::NotFound,
    }
}

fn handle(stream: TcpStream, root: &Path, log: bool) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(15)))?;
    let mut reader = BufReader::new(stream.try_clone()?.take(64 * 1024));
    let mut request_line = String::new();
    if reader.read_line(&mut request_line)? == 0 {
        return Ok(());
    }
    // Drain the headers; a body (we accept none) is ignored since the connection closes.
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let mut out = stream;
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let head = method == "HEAD";
    let status = if method != "GET" && !head {
        respond(
            &mut out,
            405,
            "Method Not Allowed",
            &[("Allow", "GET, HEAD")],
            b"method not allowed\n",
            head,
        )?
    } else {
        match resolve(root, target) {
            Resolved::File(path) => match fs::read(&path) {
                Ok(body) => respond(
                    &mut out,
                    200,
                    "OK",
                    &[("Content-Type", mime(&path))],
                    &body,
                    head,
                )?,
                Err(_) => respond(&mut out, 404, "Not Found", &[], b"not found\n", head)?,
            },
            Resolved::Redirect(to) => respond(
                &mut out,
                301,
                "Moved Permanently",
                &[("Location", &to)],
                b"",
                head,
            )?,
            Resolved::BadRequest => {
                respond(&mut out, 400, "Bad Request", &[], b"bad request\n", head)?
            }
            Resolved::Forbidden => respond(&mut out, 403, "Forbidden", &[], b"forbidden\n", head)?,
            Resolved::NotFound => respond(&mut out, 404, "Not Found", &[], b"not found\n", head)?,
        }
    };
    if log {
        println!("{method} {target} {status}");
    }
    Ok(())
}

fn respond(
    out: &mut TcpStream,
    code: u16,
    reason: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    head_only: bool,
) -> io::Result<u16> {
    let mut h = format!("HTTP/1.1 {code} {reason}\r\n");
    let has_type = headers.iter().any(|(k, _)| *k == "Content-Type");
    for (k, v) in headers {
        h.push_str(&format!("{k}: {v}\r\n"));
    }
    if !has_type {
        h.push_str("Content-Type: text/plain; charset=utf-8\r\n");
    }
    h.push_str(&format!(
        "Content-Length: {}\r\nCache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    out.write_all(h.as_bytes())?;
    if !head_only {
        out.write_all(body)?;
    }
    out.flush()?;
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "xtask-serve-{}-{:?}",
            std::process::id(),
            thread::current().id()
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("www/pkg")).unwrap();
        fs::create_dir_all(dir.join("www/docs")).unwrap();
        fs::write(
            dir.join("www/index.html"),
            "<!doctype html><title>t</title>",
        )
        .unwrap();
        fs::write(dir.join("www/docs/index.html"), "docs").unwrap();
        fs::write(dir.join("www/pkg/medcode_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
        fs::write(dir.join("www/a b.js"), "1").unwrap();
        fs::write(dir.join("secret.txt"), "outside").unwrap();
        dir
    }

    #[test]
    fn mime_types() {
        for (f, m) in [
            ("a.wasm", "application/wasm"),
            ("a.js", "text/javascript; charset=utf-8"),
            ("a.mjs", "text/javascript; charset=utf-8"),
            ("a.css", "text/css; charset=utf-8"),
            ("a.html", "text/html; charset=utf-8"),
            ("a.json", "application/json"),
            ("manifest.webmanifest", "application/manifest+json"),
            ("a.svg", "image/svg+xml"),
            ("a.PNG", "image/png"),
            ("icd10cm.bin", "application/octet-stream"),
        ] {
            assert_eq!(mime(Path::new(f)), m, "{f}");
        }
    }

    #[test]
    fn resolve_paths() {
        let dir = site();
        let www = dir.join("www");
        let canon = |p: &str| Resolved::File(www.join(p).canonicalize().unwrap());
        assert_eq!(resolve(&www, "/"), canon("index.html"));
        assert_eq!(resolve(&www, "/index.html?v=1#x"), canon("index.html"));
        assert_eq!(
            resolve(&www, "/pkg/medcode_bg.wasm"),
            canon("pkg/medcode_bg.wasm")
        );
        assert_eq!(resolve(&www, "/a%20b.js"), canon("a b.js"));
        assert_eq!(resolve(&www, "/docs/"), canon("docs/index.html"));
        assert_eq!(resolve(&www, "/docs"), Resolved::Redirect("/docs/".into()));
        assert_eq!(resolve(&www, "/missing.js"), Resolved::NotFound);
        assert_eq!(resolve(&www, "/pkg/"), Resolved::NotFound);
        assert_eq!(resolve(&www, "/../secret.txt"), Resolved::Forbidden);
        assert_eq!(resolve(&www, "/%2e%2e/secret.txt"), Resolved::Forbidden);
        assert_eq!(
            resolve(&www, "/pkg/..%2f..%2fsecret.txt"),
            Resolved::Forbidden
        );
        assert_eq!(resolve(&www, "/..\\secret.txt"), Resolved::BadRequest);
        assert_eq!(resolve(&www, "/%zz"), Resolved::BadRequest);
        assert_eq!(resolve(&www, "http://x/"), Resolved::BadRequest);
        fs::remove_dir_all(&dir).unwrap();
    }

    fn get(base: &str, raw: &str) -> String {
        let addr = base.trim_start_matches("http://");
        let mut s = TcpStream::connect(addr).unwrap();
        s.write_all(raw.as_bytes()).unwrap();
        let mut out = Vec::new();
        s.read_to_end(&mut out).unwrap();
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn serves_over_http() {
        let dir = site();
        let base = spawn(dir.join("www")).unwrap();
        let r = get(
            &base,
            "GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n",
        );
        assert!(r.starts_with("HTTP/1.1 200 OK\r\n"), "{r}");
        assert!(r.contains("Content-Type: text/html; charset=utf-8\r\n"));
        assert!(r.contains("Cache-Control: no-cache\r\n"));
        assert!(r.contains("Connection: close\r\n"));
        assert!(r.ends_with("<!doctype html><title>t</title>"));
        let r = get(&base, "GET /pkg/medcode_bg.wasm HTTP/1.1\r\n\r\n");
        assert!(
            r.contains("Content-Type: application/wasm\r\n") && r.contains("Content-Length: 8\r\n"),
            "{r}"
        );
        let r = get(&base, "HEAD /pkg/medcode_bg.wasm HTTP/1.1\r\n\r\n");
        assert!(
            r.starts_with("HTTP/1.1 200") && r.ends_with("\r\n\r\n"),
            "{r}"
        );
        assert!(get(&base, "GET /nope HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 404"));
        assert!(get(&base, "GET /../secret.txt HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 403"));
        assert!(get(&base, "POST / HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 405"));
        fs::remove_dir_all(&dir).unwrap();
    }
}
