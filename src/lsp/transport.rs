//! The language server's stdio transport, hardened: `lsp-server`'s own (`Connection::stdio`)
//! ends the server on the first malformed message. Here a message is read with every size
//! bounded (a header line, the headers, the body: at most [`MAX_MESSAGE`] bytes, a larger body
//! is skipped without being held), and whatever is not a JSON-RPC message is answered with a
//! JSON-RPC error (`-32700` parse error, `-32600` invalid request) while the server goes on.

use std::io::{self, BufRead, Read, Write};
use std::thread::JoinHandle;

use lsp_server::{Connection, Message, RequestId};
use serde_json::{Value, json};

/// The largest message body the server reads: a 10 MB document is well within it.
pub const MAX_MESSAGE: usize = 64 << 20;

/// The longest header line; longer lines are not headers.
const MAX_HEADER_LINE: usize = 1024;

/// The most header lines of one message.
const MAX_HEADERS: usize = 32;

/// JSON-RPC's code for text that is not JSON.
const PARSE_ERROR: i32 = -32700;

/// JSON-RPC's code for JSON that is not a request, a notification or a response.
const INVALID_REQUEST: i32 = -32600;

/// What one read from the client gave.
#[derive(Debug)]
pub enum Frame {
    /// A message for the server.
    Message(Message),
    /// Something to answer with a JSON-RPC error: the request's id when it could be read.
    Invalid {
        /// The id of the request, when the body had one.
        id: Option<RequestId>,
        /// The JSON-RPC error code.
        code: i32,
        /// What was wrong.
        message: String,
    },
}

/// Reads the next frame; `None` at the end of the input. Lines before a header block that are
/// not headers are skipped, so that the reader finds the next message after garbage.
pub fn read_frame(reader: &mut impl BufRead) -> io::Result<Option<Frame>> {
    let mut length: Option<Result<usize, String>> = None;
    let mut headers = 0;
    loop {
        let Some((line, whole)) = read_line(reader)? else {
            return Ok(None);
        };
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if headers == 0 {
                continue;
            }
            break;
        }
        let Some((name, value)) = line.split_once(':').filter(|(name, _)| {
            whole
                && !name.is_empty()
                && name
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-')
        }) else {
            // Not a header: skipped, while looking for the next message.
            headers = 0;
            length = None;
            continue;
        };
        headers += 1;
        if name.eq_ignore_ascii_case("content-length") {
            length = Some(
                value
                    .trim()
                    .parse::<usize>()
                    .map_err(|_| format!("bad Content-Length `{}`", value.trim())),
            );
        }
        if headers > MAX_HEADERS {
            return Ok(Some(invalid(None, PARSE_ERROR, "too many header lines")));
        }
    }
    let length = match length {
        None => {
            return Ok(Some(invalid(
                None,
                PARSE_ERROR,
                "a message without Content-Length",
            )));
        }
        Some(Err(message)) => return Ok(Some(invalid(None, PARSE_ERROR, &message))),
        Some(Ok(length)) => length,
    };
    if length > MAX_MESSAGE {
        // Skipped without being held: the reader stays in step with the client.
        let skipped = io::copy(&mut reader.take(length as u64), &mut io::sink())?;
        let message = format!(
            "a message of {length} bytes is larger than the {} MiB the server reads",
            MAX_MESSAGE >> 20
        );
        return Ok((skipped == length as u64).then(|| invalid(None, INVALID_REQUEST, &message)));
    }
    let mut body = vec![0u8; length];
    if reader.read_exact(&mut body).is_err() {
        return Ok(None);
    }
    Ok(Some(parse_body(&body)))
}

/// A message body as a frame.
fn parse_body(body: &[u8]) -> Frame {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(error) => return invalid(None, PARSE_ERROR, &format!("not JSON: {error}")),
    };
    let id = match value.get("id") {
        Some(Value::Number(number)) => number
            .as_i64()
            .and_then(|number| i32::try_from(number).ok())
            .map(RequestId::from),
        Some(Value::String(text)) => Some(RequestId::from(text.clone())),
        _ => None,
    };
    match serde_json::from_value::<Message>(value) {
        Ok(message) => Frame::Message(message),
        Err(error) => invalid(
            id,
            INVALID_REQUEST,
            &format!("not a JSON-RPC request, notification or response: {error}"),
        ),
    }
}

fn invalid(id: Option<RequestId>, code: i32, message: &str) -> Frame {
    Frame::Invalid {
        id,
        code,
        message: message.to_string(),
    }
}

/// Reads one line of at most [`MAX_HEADER_LINE`] bytes (the rest of a longer line is read and
/// dropped); also says whether the line was whole. `None` at the end of the input.
fn read_line(reader: &mut impl BufRead) -> io::Result<Option<(Vec<u8>, bool)>> {
    let mut line = Vec::new();
    let mut whole = true;
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            return Ok((!line.is_empty()).then_some((line, whole)));
        }
        let (taken, done) = match available.iter().position(|byte| *byte == b'\n') {
            Some(at) => (at + 1, true),
            None => (available.len(), false),
        };
        let room = MAX_HEADER_LINE.saturating_sub(line.len());
        line.extend_from_slice(available.get(..taken.min(room)).unwrap_or_default());
        if taken > room {
            whole = false;
        }
        reader.consume(taken);
        if done {
            return Ok(Some((line, whole)));
        }
    }
}

/// Writes one message, framed.
fn write_body(out: &mut impl Write, body: &[u8]) -> io::Result<()> {
    write!(out, "Content-Length: {}\r\n\r\n", body.len())?;
    out.write_all(body)?;
    out.flush()
}

/// The error response for an invalid frame (`"id": null` when the id could not be read).
pub fn error_response(id: Option<&RequestId>, code: i32, message: &str) -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": id.map_or(Value::Null, |id| serde_json::to_value(id).unwrap_or(Value::Null)),
        "error": { "code": code, "message": message },
    })
}

/// A connection over stdin and stdout with the hardened reader, and the writer thread (joined
/// when the connection is dropped and every message is written). The reader thread ends at the
/// end of the input; it is not joined, as it may be waiting on stdin.
pub fn stdio() -> (Connection, JoinHandle<()>) {
    let (to_server, from_client) = crossbeam_channel::unbounded::<Message>();
    let (to_client, from_server) = crossbeam_channel::unbounded::<Message>();
    let writer = std::thread::spawn(move || {
        for message in from_server {
            let Ok(body) = serde_json::to_vec(&message) else {
                continue;
            };
            if write_body(&mut io::stdout().lock(), &body).is_err() {
                return;
            }
        }
    });
    std::thread::spawn(move || {
        let stdin = io::stdin();
        let mut reader = stdin.lock();
        while let Ok(Some(frame)) = read_frame(&mut reader) {
            match frame {
                Frame::Message(message) => {
                    if to_server.send(message).is_err() {
                        return;
                    }
                }
                Frame::Invalid { id, code, message } => {
                    let response = error_response(id.as_ref(), code, &message);
                    let body = serde_json::to_vec(&response).unwrap_or_default();
                    if write_body(&mut io::stdout().lock(), &body).is_err() {
                        return;
                    }
                }
            }
        }
    });
    (
        Connection {
            sender: to_client,
            receiver: from_client,
        },
        writer,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<String> {
        let mut reader = io::BufReader::new(input);
        let mut found = Vec::new();
        while let Ok(Some(frame)) = read_frame(&mut reader) {
            found.push(match frame {
                Frame::Message(Message::Request(request)) => format!("request {}", request.method),
                Frame::Message(Message::Notification(note)) => {
                    format!("notification {}", note.method)
                }
                Frame::Message(Message::Response(_)) => "response".into(),
                Frame::Invalid { id, code, .. } => format!("invalid {code} {id:?}"),
            });
        }
        found
    }

    fn framed(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn malformed_messages_are_answered_and_the_next_one_is_read() {
        let good = framed(r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#);
        let input = [
            framed("{not json"),
            framed(r#"{"jsonrpc":"2.0","id":7,"params":{}}"#),
            "Content-Type: x\r\n\r\n".to_string(),
            "garbage line\r\n".to_string(),
            framed("[1,2]"),
            "Content-Length: nope\r\n\r\n".to_string(),
            good.clone(),
        ]
        .concat();
        assert_eq!(
            frames(input.as_bytes()),
            [
                "invalid -32700 None",
                "invalid -32600 Some(RequestId(I32(7)))",
                "invalid -32700 None",
                "invalid -32600 None",
                "invalid -32700 None",
                "request shutdown",
            ]
        );
    }

    #[test]
    fn an_oversized_message_is_skipped_without_being_held() {
        let huge = MAX_MESSAGE + 10;
        let mut input = format!("Content-Length: {huge}\r\n\r\n").into_bytes();
        input.extend(std::iter::repeat_n(b'x', huge));
        input.extend(framed(r#"{"jsonrpc":"2.0","method":"exit"}"#).as_bytes());
        assert_eq!(frames(&input), ["invalid -32600 None", "notification exit"]);
        // A length the input never delivers ends the input, without allocating it.
        let short = b"Content-Length: 1000000000000\r\n\r\n{}";
        assert_eq!(frames(short), Vec::<String>::new());
    }

    #[test]
    fn long_header_lines_are_not_headers() {
        let mut input = "X".repeat(10_000).into_bytes();
        input.extend(b": 1\r\n\r\n");
        input.extend(framed(r#"{"jsonrpc":"2.0","method":"exit"}"#).as_bytes());
        assert_eq!(frames(&input), ["notification exit"]);
    }
}
