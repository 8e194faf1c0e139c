//! Charts for the tests: chart folders packaged as `helm package` does, a chart repository and
//! an OCI registry served on 127.0.0.1 by the test itself, and charts installed into a cache
//! and a lock file without a server (what `ehp charts fetch` would leave behind).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// The chart folder's files packaged as `NAME/...` in a `.tgz`, sorted, with fixed times so
/// that the same folder always gives the same bytes.
pub fn package(folder: &Path) -> Vec<u8> {
    let name = folder
        .file_name()
        .expect("a folder name")
        .to_string_lossy()
        .into_owned();
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(folder)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| entry.into_path())
        .collect();
    files.sort();
    let mut builder = tar::Builder::new(Vec::new());
    for file in files {
        let bytes = std::fs::read(&file).expect("readable chart file");
        let inside = file.strip_prefix(folder).expect("inside the chart");
        let parts: Vec<String> = inside
            .components()
            .map(|part| part.as_os_str().to_string_lossy().into_owned())
            .collect();
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_cksum();
        builder
            .append_data(
                &mut header,
                format!("{name}/{}", parts.join("/")),
                bytes.as_slice(),
            )
            .expect("tar entry");
    }
    let tar = builder.into_inner().expect("tar");
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(&tar).expect("gzip");
    encoder.finish().expect("gzip")
}

/// The hex SHA-256 of bytes, as `index.yaml` writes digests.
pub fn hex_digest(bytes: &[u8]) -> String {
    ehp::store::digest(bytes)
        .trim_start_matches("sha256:")
        .to_string()
}

/// The `index.yaml` of a repository serving `charts` as `(name, version, package)`, with the
/// packages at `NAME-VERSION.tgz` beside it.
pub fn index_yaml(charts: &[(&str, &str, &[u8])]) -> String {
    let mut by_name: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (name, version, bytes) in charts {
        by_name.entry(name).or_default().push(format!(
            "    - name: {name}\n      version: {version}\n      apiVersion: v2\n      urls:\n        - {name}-{version}.tgz\n      digest: {}\n",
            hex_digest(bytes)
        ));
    }
    let mut text = String::from("apiVersion: v1\nentries:\n");
    for (name, versions) in by_name {
        text.push_str(&format!("  {name}:\n"));
        for version in versions {
            text.push_str(&version);
        }
    }
    text.push_str("generated: \"2026-01-01T00:00:00Z\"\n");
    text
}

/// One answer of the test server.
#[derive(Clone)]
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
    pub content_type: String,
    /// A bearer token the request must carry; without it the answer is a 401 challenge.
    pub token: Option<String>,
}

impl Answer {
    pub fn ok(body: impl Into<Vec<u8>>) -> Answer {
        Answer {
            status: 200,
            body: body.into(),
            content_type: "application/octet-stream".into(),
            token: None,
        }
    }
}

/// An HTTP server on 127.0.0.1 answering GET requests from a table of paths, recording every
/// path asked for. It stops when dropped.
pub struct Server {
    pub url: String,
    pub routes: Arc<Mutex<BTreeMap<String, Answer>>>,
    pub requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    address: std::net::SocketAddr,
}

impl Server {
    pub fn start(routes: BTreeMap<String, Answer>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let address = listener.local_addr().expect("address");
        let routes = Arc::new(Mutex::new(routes));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (routes, requests, stop) = (routes.clone(), requests.clone(), stop.clone());
            std::thread::spawn(move || {
                // Bounded: at most 10,000 connections, and it stops when told to.
                for stream in listener.incoming().take(10_000) {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    if let Ok(stream) = stream {
                        answer(stream, &address.to_string(), &routes, &requests);
                    }
                }
            })
        };
        Server {
            url: format!("http://{address}"),
            routes,
            requests,
            stop,
            thread: Some(thread),
            address,
        }
    }

    /// Sets the answer for a path.
    pub fn set(&self, path: &str, answer: Answer) {
        self.routes
            .lock()
            .expect("routes")
            .insert(path.to_string(), answer);
    }

    /// The paths asked for so far.
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().expect("requests").clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect_timeout(&self.address, Duration::from_secs(1));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn answer(
    mut stream: TcpStream,
    host: &str,
    routes: &Mutex<BTreeMap<String, Answer>>,
    requests: &Mutex<Vec<String>>,
) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut authorization = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).is_err() || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("authorization")
        {
            authorization = Some(value.trim().to_string());
        }
    }
    let target = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_string();
    if request_line.is_empty() {
        return;
    }
    requests.lock().expect("requests").push(target.clone());
    let path = target.split('?').next().unwrap_or("/").to_string();
    let found = routes.lock().expect("routes").get(&path).cloned();
    let (status, body, content_type, challenge) = match found {
        Some(answer) => match &answer.token {
            Some(token) if authorization.as_deref() != Some(&format!("Bearer {token}")) => (
                401,
                Vec::new(),
                "text/plain".to_string(),
                Some(format!(
                    "WWW-Authenticate: Bearer realm=\"http://{host}/token\",service=\"{host}\",scope=\"repository:charts:pull\"\r\n"
                )),
            ),
            _ => (answer.status, answer.body, answer.content_type, None),
        },
        None => (404, b"not found".to_vec(), "text/plain".to_string(), None),
    };
    let head = format!(
        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nContent-Type: {content_type}\r\n{}Connection: close\r\n\r\n",
        body.len(),
        challenge.unwrap_or_default()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
    let _ = stream.flush();
    let mut rest = Vec::new();
    let _ = reader.read_to_end(&mut rest);
}

/// A chart repository serving the chart folders (packaged) at `/charts`.
pub fn repository(folders: &[PathBuf]) -> (Server, Vec<(String, String, Vec<u8>)>) {
    let mut packages = Vec::new();
    for folder in folders {
        let bytes = package(folder);
        let chart = ehp::charts::Chart::from_archive(&bytes).expect("a valid chart fixture");
        packages.push((chart.name, chart.version, bytes));
    }
    let listed: Vec<(&str, &str, &[u8])> = packages
        .iter()
        .map(|(name, version, bytes)| (name.as_str(), version.as_str(), bytes.as_slice()))
        .collect();
    let mut routes = BTreeMap::new();
    routes.insert(
        "/charts/index.yaml".to_string(),
        Answer::ok(index_yaml(&listed)),
    );
    for (name, version, bytes) in &packages {
        routes.insert(
            format!("/charts/{name}-{version}.tgz"),
            Answer::ok(bytes.clone()),
        );
    }
    (Server::start(routes), packages)
}

/// Publishes a packaged chart in an OCI registry served by `server`, at
/// `/v2/PATH/NAME/...`, behind an anonymous bearer token.
pub fn publish_oci(server: &Server, path: &str, name: &str, version: &str, bytes: &[u8]) {
    let digest = ehp::store::digest(bytes);
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.cncf.helm.config.v1+json", "digest": "sha256:00", "size": 2},
        "layers": [{"mediaType": "application/vnd.cncf.helm.chart.content.v1.tar+gzip", "digest": digest, "size": bytes.len()}]
    });
    let token = Some("anonymous-token".to_string());
    server.set(
        &format!("/v2/{path}/{name}/manifests/{version}"),
        Answer {
            token: token.clone(),
            content_type: "application/vnd.oci.image.manifest.v1+json".into(),
            ..Answer::ok(manifest.to_string())
        },
    );
    server.set(
        &format!("/v2/{path}/{name}/blobs/{digest}"),
        Answer {
            token,
            ..Answer::ok(bytes.to_vec())
        },
    );
    server.set("/token", Answer::ok(r#"{"token": "anonymous-token"}"#));
}

/// Installs chart folders into `cache` and writes the project's `ehp.lock`, as
/// `ehp charts fetch` would: each chart the project uses, by name and version, from `folders`.
pub fn install(project: &Path, cache: &Path, folders: &[PathBuf]) {
    let files = ehp_sources(project);
    let analysis = ehp::analyze(&files);
    let required = ehp::charts::required(&analysis.envs);
    let mut lock = ehp::charts::Lock::default();
    for chart in required.keys() {
        for folder in folders {
            let bytes = package(folder);
            let read = ehp::charts::Chart::from_archive(&bytes).expect("a valid chart fixture");
            if read.name == chart.name && read.version == chart.version {
                let digest = ehp::store::digest(&bytes);
                let store = ehp::store::Store {
                    project: project.to_path_buf(),
                    cache: cache.to_path_buf(),
                    helm_cache: None,
                };
                std::fs::create_dir_all(cache).expect("cache");
                std::fs::write(store.package_path(&digest), &bytes).expect("package");
                lock.charts.push(ehp::charts::Locked {
                    repository: chart.repository.clone(),
                    name: chart.name.clone(),
                    version: chart.version.clone(),
                    digest,
                });
            }
        }
    }
    std::fs::write(project.join("ehp.lock"), lock.render()).expect("lock");
}

/// The `.ehp` files of a project folder as `(path, text)`, sorted.
pub fn ehp_sources(project: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = walkdir::WalkDir::new(project)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "ehp"))
        .map(|entry| {
            let text = std::fs::read_to_string(entry.path()).expect("readable source");
            (entry.path().display().to_string(), text)
        })
        .collect();
    files.sort();
    files
}
