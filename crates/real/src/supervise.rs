//! The log a container's supervisor keeps, and reading it back.
//!
//! A container's main process runs under a small supervisor (a fork of `sim`, as conmon or a
//! containerd shim is for docker): it relays the process's stdout and stderr as records to
//! the container's log file and to the `sim` that started it (while that one lives), waits for
//! the exit and records it last. So a detached container outlives the invocation, and the next
//! one reads what happened meanwhile from the log.
//!
//! A record is a 16-byte header, `kind` (1 output, 2 exit), `stream` (1 stdout, 2 stderr),
//! two zero bytes, `len` (u32, little-endian; for an exit, the wait status), the real time in
//! milliseconds (u64), then `len` bytes of output.

use sim_core::program::Stream;
use std::io::{self, Read};

pub const HEADER: usize = 16;
pub const OUTPUT: u8 = 1;
pub const EXIT: u8 = 2;

/// One record read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Record {
    Output {
        stream: Stream,
        bytes: Vec<u8>,
    },
    /// The wait(2) status of the main process.
    Exit {
        status: i32,
    },
}

/// A header, built without allocating (the supervisor may not allocate).
pub fn header(kind: u8, stream: u8, len: u32, time_ms: u64) -> [u8; HEADER] {
    let mut h = [0u8; HEADER];
    h[0] = kind;
    h[1] = stream;
    h[4..8].copy_from_slice(&len.to_le_bytes());
    h[8..16].copy_from_slice(&time_ms.to_le_bytes());
    h
}

/// Parses the records at the start of `bytes`: the records and how many bytes they took (a
/// record cut off at the end is left for later).
pub fn parse(bytes: &[u8]) -> (Vec<Record>, usize) {
    let mut records = Vec::new();
    let mut at = 0;
    while bytes.len() >= at + HEADER {
        let h = &bytes[at..at + HEADER];
        let len = u32::from_le_bytes([h[4], h[5], h[6], h[7]]);
        match h[0] {
            EXIT => {
                records.push(Record::Exit { status: len as i32 });
                at += HEADER;
            }
            _ => {
                let end = at + HEADER + len as usize;
                if bytes.len() < end {
                    break;
                }
                let stream = if h[1] == 2 {
                    Stream::Stderr
                } else {
                    Stream::Stdout
                };
                records.push(Record::Output {
                    stream,
                    bytes: bytes[at + HEADER..end].to_vec(),
                });
                at = end;
            }
        }
    }
    (records, at)
}

/// Reads one record from a stream (the pipe from a live supervisor); `None` at its end.
pub fn read_record(reader: &mut dyn Read) -> io::Result<Option<Record>> {
    let mut h = [0u8; HEADER];
    match reader.read_exact(&mut h) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let len = u32::from_le_bytes([h[4], h[5], h[6], h[7]]);
    if h[0] == EXIT {
        return Ok(Some(Record::Exit { status: len as i32 }));
    }
    let mut bytes = vec![0u8; len as usize];
    reader.read_exact(&mut bytes)?;
    let stream = if h[1] == 2 {
        Stream::Stderr
    } else {
        Stream::Stdout
    };
    Ok(Some(Record::Output { stream, bytes }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_and_a_cut_record_waits() {
        let mut log = Vec::new();
        log.extend_from_slice(&header(OUTPUT, 1, 3, 7));
        log.extend_from_slice(b"hi\n");
        log.extend_from_slice(&header(OUTPUT, 2, 2, 8));
        log.extend_from_slice(b"e\n");
        log.extend_from_slice(&header(EXIT, 0, 256, 9));
        let (records, used) = parse(&log);
        assert_eq!(used, log.len());
        assert_eq!(
            records,
            [
                Record::Output {
                    stream: Stream::Stdout,
                    bytes: b"hi\n".to_vec()
                },
                Record::Output {
                    stream: Stream::Stderr,
                    bytes: b"e\n".to_vec()
                },
                Record::Exit { status: 256 },
            ]
        );
        let (records, used) = parse(&log[..HEADER + 2]);
        assert!(records.is_empty());
        assert_eq!(used, 0);
        let mut reader = &log[..];
        assert!(matches!(
            read_record(&mut reader).unwrap(),
            Some(Record::Output { .. })
        ));
    }
}
