//! Fuzzes the language server's message loop: any bytes on its stdin go through the hardened
//! transport's reader and every message through an in-process server. A panic anywhere is a
//! crash (the server's own `catch_unwind` would hide it, so the hook aborts first).
#![no_main]

use std::io::BufReader;
use std::time::Duration;

use ehp::lsp::transport::{Frame, read_frame};
use libfuzzer_sys::fuzz_target;
use lsp_server::Message;

fuzz_target!(|data: &[u8]| {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("{info}");
        std::process::abort();
    }));
    let mut server = ehp::lsp::Server::new(ehp::lsp::Options {
        read_disk: false,
        stdlib_dir: Some("/stdlib".into()),
        debounce: Duration::ZERO,
        analysis_budget: Duration::from_secs(60),
        ..ehp::lsp::Options::default()
    });
    let mut reader = BufReader::new(data);
    let mut messages = 0;
    while let Ok(Some(frame)) = read_frame(&mut reader) {
        messages += 1;
        if messages > 64 {
            break;
        }
        match frame {
            Frame::Message(Message::Request(request)) => {
                let _ = server.request(&request.method, request.params);
            }
            Frame::Message(Message::Notification(notification)) => {
                server.notify(&notification.method, notification.params);
            }
            Frame::Message(Message::Response(_)) | Frame::Invalid { .. } => {}
        }
        server.flush();
        let _ = server.take_outbox();
    }
});
