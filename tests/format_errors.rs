//! Loading damaged or foreign bytes gives a typed error, never a panic.

mod common;

use medcode::store::format::{read_edition, FORMAT_VERSION};
use medcode::store::LoadError;
use medcode::Icd10cm;

#[test]
fn good_bytes_load_and_carry_their_edition() {
    let bytes = common::compiled_bytes();
    assert_eq!(read_edition(bytes).unwrap(), "ICD-10-CM FY2026 (April 1, 2026 update)");
    assert!(Icd10cm::from_bytes(bytes).is_ok());
}

#[test]
fn damaged_bytes_give_typed_errors() {
    let good = common::compiled_bytes();
    assert!(matches!(Icd10cm::from_bytes(&[]), Err(LoadError::Truncated { .. })));
    assert!(matches!(Icd10cm::from_bytes(&[1, 2, 3]), Err(LoadError::Truncated { .. })));
    assert!(matches!(Icd10cm::from_bytes(b"PK\x03\x04 not a code set at all"), Err(LoadError::BadMagic)));
    assert!(matches!(Icd10cm::from_bytes(&good[..good.len() - 1]), Err(LoadError::Truncated { .. })));
    assert!(matches!(Icd10cm::from_bytes(&good[..20]), Err(LoadError::Truncated { .. })));

    let mut flipped = good.to_vec();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x40;
    assert!(matches!(Icd10cm::from_bytes(&flipped), Err(LoadError::ChecksumMismatch { .. })));

    let mut other_version = good.to_vec();
    other_version[12..16].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
    let err = Icd10cm::from_bytes(&other_version).unwrap_err();
    assert!(matches!(err, LoadError::UnsupportedVersion { .. }));
    assert!(err.to_string().contains("cargo xtask codesets"), "{err}");

    let mut other_set = good.to_vec();
    other_set[8..12].copy_from_slice(b"HCPC");
    assert!(matches!(Icd10cm::from_bytes(&other_set), Err(LoadError::WrongCodeSet { .. })));
}

#[test]
fn every_prefix_of_the_header_is_refused_cleanly() {
    let good = common::compiled_bytes();
    for n in 0..200 {
        assert!(Icd10cm::from_bytes(&good[..n]).is_err(), "{n} bytes");
    }
}
