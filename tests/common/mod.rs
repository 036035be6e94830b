//! A tiny HTTP/1.1 server on 127.0.0.1 for the tests that download (news feeds, list updates):
//! a `std::net::TcpListener` and a thread per connection, so no test depends on a server crate
//! or reaches beyond this machine. Each route answers with a body, a status, silence, or an
//! endless body; the server counts the requests per path, so retries can be checked.

// Each test binary uses the part of the server its scenarios need.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone)]
pub enum Reply {
    Body(Vec<u8>),
    Status(u16),
    /// Accepts the request and says nothing for this long (bounded), then hangs up.
    Silent(Duration),
    /// A body of this many bytes, with or without a Content-Length header.
    Huge {
        bytes: usize,
        declared: bool,
    },
}

type Routes = Arc<Mutex<HashMap<String, Reply>>>;

pub struct Server {
    addr: SocketAddr,
    routes: Routes,
    requests: Arc<Mutex<HashMap<String, usize>>>,
}

impl Server {
    /// Serves the routes on 127.0.0.1 (an OS-chosen port) for at most 256 connections; each
    /// connection thread ends by itself.
    pub fn start(routes: &[(&str, Reply)]) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let routes: Routes = Arc::new(Mutex::new(routes.iter().map(|(p, r)| (p.to_string(), r.clone())).collect()));
        let requests = Arc::new(Mutex::new(HashMap::new()));
        let (shared, counts) = (Arc::clone(&routes), Arc::clone(&requests));
        std::thread::spawn(move || {
            for stream in listener.incoming().take(256).flatten() {
                let (routes, counts) = (Arc::clone(&shared), Arc::clone(&counts));
                std::thread::spawn(move || answer(stream, &routes, &counts));
            }
        });
        Server { addr, routes, requests }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn set(&self, path: &str, reply: Reply) {
        self.routes.lock().unwrap().insert(path.to_string(), reply);
    }

    /// How many requests asked for `path` so far.
    pub fn requests(&self, path: &str) -> usize {
        self.requests.lock().unwrap().get(path).copied().unwrap_or(0)
    }
}

fn answer(mut stream: TcpStream, routes: &Mutex<HashMap<String, Reply>>, counts: &Mutex<HashMap<String, usize>>) {
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("/").to_string();
    *counts.lock().unwrap().entry(path.clone()).or_default() += 1;
    let reply = routes.lock().unwrap().get(&path).cloned().unwrap_or(Reply::Status(404));
    let head = |status: &str, length: Option<usize>| {
        let length = length.map(|n| format!("Content-Length: {n}\r\n")).unwrap_or_default();
        format!("HTTP/1.1 {status}\r\nContent-Type: application/octet-stream\r\n{length}Connection: close\r\n\r\n")
    };
    let _ = match reply {
        Reply::Body(body) => {
            stream.write_all(head("200 OK", Some(body.len())).as_bytes()).and_then(|_| stream.write_all(&body))
        }
        Reply::Status(code) => stream.write_all(head(&format!("{code} Failing"), Some(0)).as_bytes()),
        Reply::Silent(wait) => {
            std::thread::sleep(wait);
            Ok(())
        }
        Reply::Huge { bytes, declared } => {
            let chunk = b"<!-- padding padding padding padding padding padding padding -->\n".repeat(1024);
            let mut sent = 0;
            let mut result = stream
                .write_all(head("200 OK", declared.then_some(bytes)).as_bytes())
                .and_then(|_| stream.write_all(b"<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel>\n"));
            while result.is_ok() && sent < bytes {
                let n = chunk.len().min(bytes - sent);
                result = stream.write_all(&chunk[..n]);
                sent += n;
            }
            result
        }
    };
}
