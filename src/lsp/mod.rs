//! The language server (`ehp lsp`): a thin shell over the compiler's own analysis, speaking LSP
//! on stdio through `lsp-server`. [`Server`] holds the state and answers messages in process
//! (the tests drive it directly); [`run`] connects it to stdin/stdout and debounces re-checks.

mod charts;
mod completion;
mod convert;
mod definition;
mod formatting;
mod hover;
pub mod line_index;
mod locate;
mod log;
mod publish;
mod server;
mod snapshot;
mod state;
mod symbols;
pub mod transport;

use std::time::Instant;

use lsp_server::{Connection, Message, Response};

pub use server::{Options, Server};

/// Runs the language server on stdin/stdout until the client sends `exit` or closes stdin, over
/// the hardened transport of [`transport`]. Returns an error message when the connection fails.
pub fn run() -> Result<(), String> {
    let (connection, writer) = transport::stdio();
    let (id, params) = connection
        .initialize_start()
        .map_err(|error| format!("initialize: {error}"))?;
    let mut server = Server::new(Options::default());
    let result = server.initialize(params);
    connection
        .initialize_finish(id, result)
        .map_err(|error| format!("initialize: {error}"))?;
    main_loop(&connection, &mut server)?;
    drop(connection);
    writer
        .join()
        .map_err(|_| "closing stdout: the writer stopped".to_string())
}

/// Answers messages; runs a debounced re-check when the client has been quiet long enough.
fn main_loop(connection: &Connection, server: &mut Server) -> Result<(), String> {
    loop {
        let message = match server.deadline() {
            Some(deadline) => {
                let wait = deadline.saturating_duration_since(Instant::now());
                match connection.receiver.recv_timeout(wait) {
                    Ok(message) => message,
                    Err(error) if error.is_timeout() => {
                        server.flush();
                        send_outbox(connection, server)?;
                        continue;
                    }
                    Err(_) => return Ok(()),
                }
            }
            None => match connection.receiver.recv() {
                Ok(message) => message,
                Err(_) => return Ok(()),
            },
        };
        match message {
            Message::Request(request) => {
                if connection
                    .handle_shutdown(&request)
                    .map_err(|error| format!("shutdown: {error}"))?
                {
                    return Ok(());
                }
                let response = match server.request(&request.method, request.params) {
                    Ok(result) => Response::new_ok(request.id, result),
                    Err(error) => Response::new_err(request.id, error.code, error.message),
                };
                send_outbox(connection, server)?;
                send(connection, Message::Response(response))?;
            }
            Message::Notification(notification) => {
                if notification.method == "exit" {
                    return Ok(());
                }
                server.notify(&notification.method, notification.params);
                send_outbox(connection, server)?;
            }
            Message::Response(_) => {}
        }
    }
}

fn send_outbox(connection: &Connection, server: &mut Server) -> Result<(), String> {
    for notification in server.take_outbox() {
        send(connection, Message::Notification(notification))?;
    }
    Ok(())
}

fn send(connection: &Connection, message: Message) -> Result<(), String> {
    connection
        .sender
        .send(message)
        .map_err(|error| format!("sending to the client: {error}"))
}
