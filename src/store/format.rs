//! The byte format of a compiled code set: a fixed header (magic, code-set id, format version,
//! edition, body length, checksum) followed by the bincode-encoded body. Every code set
//! (ICD-10-CM, ICD-10-PCS, HCPCS) uses it with its own four-byte id. Loading bad bytes is a typed
//! error, never a panic, so the page can tell a student "the code-set file is damaged" instead
//! of crashing.

use std::fmt;

use super::model::Icd10cm;

/// First bytes of every compiled code-set file.
pub const MAGIC: &[u8; 8] = b"MEDCODE\x1a";
/// Bumped whenever the header or a body layout changes; old files are refused with a clear message.
pub const FORMAT_VERSION: u32 = 2;

/// Four-byte ids of the compiled code sets, so one cannot be loaded as another.
pub const ICD10CM_SET: [u8; 4] = *b"ICDC";
pub const ICD10PCS_SET: [u8; 4] = *b"ICDP";
pub const HCPCS_SET: [u8; 4] = *b"HCPC";
pub const ICD10CM_INDEX_SET: [u8; 4] = *b"ICDI";

/// Why compiled code-set bytes could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// Fewer bytes than the header needs, or than the header announces.
    Truncated { expected: u64, found: u64 },
    /// The bytes do not start with [`MAGIC`]: not a compiled code set at all.
    BadMagic,
    /// A compiled code set, but another one (e.g. HCPCS bytes handed to the ICD-10-CM loader).
    WrongCodeSet { expected: String, found: String },
    /// A code set written by another version of the compiler.
    UnsupportedVersion { found: u32, supported: u32 },
    /// The body does not match its checksum: damaged in transit or on disk.
    ChecksumMismatch { expected: u64, found: u64 },
    /// The checksum matched but the body could not be decoded (a compiler bug).
    Corrupt(String),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Truncated { expected, found } => write!(
                f,
                "the code-set file is truncated: expected {expected} bytes, found {found}"
            ),
            LoadError::BadMagic => write!(f, "this is not a MedCode compiled code-set file"),
            LoadError::WrongCodeSet { expected, found } => {
                write!(f, "this is the compiled {found} code set, not {expected}")
            }
            LoadError::UnsupportedVersion { found, supported } => write!(
                f,
                "the code-set file has format version {found}; this build reads version {supported} (recompile with `cargo xtask codesets`)"
            ),
            LoadError::ChecksumMismatch { expected, found } => write!(
                f,
                "the code-set file is damaged: checksum {found:016x} does not match {expected:016x}"
            ),
            LoadError::Corrupt(why) => write!(f, "the code-set file could not be decoded: {why}"),
        }
    }
}

impl std::error::Error for LoadError {}

/// FNV-1a, 64 bit: small, dependency-free and plenty to detect accidental damage.
pub fn checksum(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= b as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

// Header: magic (8) | set id (4) | format version u32 | edition length u32 | edition utf-8 |
// body length u64 | checksum u64 | body
const FIXED_HEADER: usize = 8 + 4 + 4 + 4;

/// Serialises a code set. Deterministic as long as the model holds only vectors and ordered
/// maps: equal input gives equal bytes.
pub fn encode_set<T: serde::Serialize>(set_id: [u8; 4], edition: &str, value: &T) -> Vec<u8> {
    let body = bincode::serialize(value).expect("in-memory code set always serialises");
    let edition = edition.as_bytes();
    let mut out = Vec::with_capacity(FIXED_HEADER + edition.len() + 16 + body.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&set_id);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(edition.len() as u32).to_le_bytes());
    out.extend_from_slice(edition);
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(&checksum(&body).to_le_bytes());
    out.extend_from_slice(&body);
    out
}

/// Checks the header and checksum of compiled bytes and decodes the body.
pub fn decode_set<T: serde::de::DeserializeOwned>(set_id: [u8; 4], bytes: &[u8]) -> Result<T, LoadError> {
    let (found_id, _, expected, body) = split_header(bytes)?;
    if found_id != set_id {
        return Err(LoadError::WrongCodeSet {
            expected: String::from_utf8_lossy(&set_id).into_owned(),
            found: String::from_utf8_lossy(&found_id).into_owned(),
        });
    }
    let found = checksum(body);
    if found != expected {
        return Err(LoadError::ChecksumMismatch { expected, found });
    }
    bincode::deserialize(body).map_err(|e| LoadError::Corrupt(e.to_string()))
}

/// Serialises the ICD-10-CM code set.
pub fn encode(set: &Icd10cm) -> Vec<u8> {
    encode_set(ICD10CM_SET, &set.edition, set)
}

/// Reads the edition from the header without decoding the body.
pub fn read_edition(bytes: &[u8]) -> Result<String, LoadError> {
    let (_, edition, _, _) = split_header(bytes)?;
    Ok(edition)
}

fn split_header(bytes: &[u8]) -> Result<([u8; 4], String, u64, &[u8]), LoadError> {
    let need = |n: usize| {
        if bytes.len() < n {
            Err(LoadError::Truncated { expected: n as u64, found: bytes.len() as u64 })
        } else {
            Ok(())
        }
    };
    need(8)?;
    if &bytes[..8] != MAGIC {
        return Err(LoadError::BadMagic);
    }
    need(FIXED_HEADER)?;
    let set_id: [u8; 4] = bytes[8..12].try_into().unwrap();
    let version = u32::from_le_bytes(bytes[12..16].try_into().unwrap());
    if version != FORMAT_VERSION {
        return Err(LoadError::UnsupportedVersion { found: version, supported: FORMAT_VERSION });
    }
    let edition_len = u32::from_le_bytes(bytes[16..20].try_into().unwrap()) as usize;
    let body_start = FIXED_HEADER + edition_len + 16;
    need(body_start)?;
    let edition = String::from_utf8(bytes[FIXED_HEADER..FIXED_HEADER + edition_len].to_vec())
        .map_err(|_| LoadError::Corrupt("edition is not UTF-8".into()))?;
    let lens = &bytes[FIXED_HEADER + edition_len..body_start];
    let body_len = u64::from_le_bytes(lens[..8].try_into().unwrap());
    let sum = u64::from_le_bytes(lens[8..].try_into().unwrap());
    let body = &bytes[body_start..];
    if (body.len() as u64) != body_len {
        return Err(LoadError::Truncated {
            expected: body_start as u64 + body_len,
            found: bytes.len() as u64,
        });
    }
    Ok((set_id, edition, sum, body))
}

/// Checks and decodes compiled ICD-10-CM bytes.
pub fn decode(bytes: &[u8]) -> Result<Icd10cm, LoadError> {
    let mut set: Icd10cm = decode_set(ICD10CM_SET, bytes)?;
    set.search.prepare().map_err(LoadError::Corrupt)?;
    Ok(set)
}
