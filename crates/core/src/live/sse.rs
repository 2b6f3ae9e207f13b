//! A Server-Sent Events parser fed with the body's chunks as they arrive.
//! Handles what the relay sends (and what the SSE spec allows): LF or CRLF
//! line ends, comment lines, multi-line `data`, frames split across chunks.

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frame {
    /// `message` when the frame names no event.
    pub event: String,
    pub id: Option<String>,
    pub data: String,
}

#[derive(Debug, Default)]
pub struct SseParser {
    pending: Vec<u8>,
    event: Option<String>,
    id: Option<String>,
    data: Option<String>,
}

impl SseParser {
    /// Feeds bytes; returns the frames they complete, in order.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<Frame> {
        self.pending.extend_from_slice(chunk);
        let mut frames = Vec::new();
        let mut start = 0;
        while let Some(nl) = self.pending[start..].iter().position(|b| *b == b'\n') {
            let mut line = &self.pending[start..start + nl];
            start += nl + 1;
            if line.last() == Some(&b'\r') {
                line = &line[..line.len() - 1];
            }
            let line = String::from_utf8_lossy(line).into_owned();
            if let Some(frame) = self.line(&line) {
                frames.push(frame);
            }
        }
        self.pending.drain(..start);
        frames
    }

    fn line(&mut self, line: &str) -> Option<Frame> {
        if line.is_empty() {
            // A blank line ends the frame; one without data is no frame.
            let data = self.data.take();
            let event = self.event.take();
            let id = self.id.take();
            return data.map(|data| Frame {
                event: event.unwrap_or_else(|| "message".into()),
                id,
                data,
            });
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line, ""),
        };
        match field {
            "event" => self.event = Some(value.to_string()),
            "id" => self.id = Some(value.to_string()),
            "data" => match &mut self.data {
                Some(d) => {
                    d.push('\n');
                    d.push_str(value);
                }
                None => self.data = Some(value.to_string()),
            },
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_split_anywhere_come_out_whole() {
        let text = b": keepalive\r\n\r\nevent: webhook\nid: 7\ndata: {\"a\":1}\n\nevent: live\ndata: x\ndata: y\n\n";
        for split in 0..text.len() {
            let mut p = SseParser::default();
            let mut frames = p.push(&text[..split]);
            frames.extend(p.push(&text[split..]));
            assert_eq!(
                frames,
                vec![
                    Frame {
                        event: "webhook".into(),
                        id: Some("7".into()),
                        data: "{\"a\":1}".into()
                    },
                    Frame {
                        event: "live".into(),
                        id: None,
                        data: "x\ny".into()
                    },
                ],
                "split at {split}"
            );
        }
    }
}
