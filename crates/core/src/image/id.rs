//! Typed digests: an image's ID (the sha256 of its config) and a layer's diff_id (the sha256
//! of its uncompressed tar). Both are `sha256:<64 hex>` strings on the wire; the types keep
//! one from standing in for the other. They serialise as plain strings, so traces, snapshots
//! and journals read the same as before the types existed.

use serde::{Deserialize, Serialize};

/// Why a text is not a `sha256:` digest.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DigestError {
    /// No `algorithm:` part, or a hex part with other characters (go-digest's
    /// `ErrDigestInvalidFormat`).
    #[error("invalid checksum digest format")]
    Format,
    /// An algorithm other than sha256 (`ErrDigestUnsupported`).
    #[error("unsupported digest algorithm")]
    Unsupported,
    /// The hex part is not 64 lower-case hex digits (`digest.ErrDigestInvalidLength`).
    #[error("invalid checksum digest length")]
    Length,
}

/// Checks `sha256:<64 lower-case hex>`.
fn check_sha256(text: &str) -> Result<(), DigestError> {
    let (algorithm, hex) = text.split_once(':').ok_or(DigestError::Format)?;
    if algorithm != "sha256" {
        return Err(DigestError::Unsupported);
    }
    if hex.len() != 64 {
        return Err(DigestError::Length);
    }
    if !hex
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(DigestError::Format);
    }
    Ok(())
}

macro_rules! digest_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Parses `sha256:<64 hex>`, as docker validates a digest.
            pub fn parse(text: &str) -> Result<$name, DigestError> {
                check_sha256(text)?;
                Ok($name(text.to_string()))
            }

            /// Wraps a digest this crate computed itself (`sha256_digest`), unchecked.
            pub(crate) fn from_digest(digest: String) -> $name {
                $name(digest)
            }

            /// The 12 hex digits docker prints.
            pub fn short(&self) -> &str {
                crate::digest::short_id(&self.0)
            }
        }

        crate::text_id::text_id_impls!($name);
    };
}

digest_type!(
    /// An image ID: `sha256:` of the image config's JSON.
    ImageId
);
digest_type!(
    /// A layer's diff_id: `sha256:` of its uncompressed (canonical) tar.
    DiffId
);
digest_type!(
    /// The digest of an image manifest, as `docker pull` and `docker push` report it.
    ManifestDigest
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::sha256_digest;

    #[test]
    fn parse_accepts_only_sha256_with_64_hex_digits() {
        let good = sha256_digest(b"x");
        assert_eq!(ImageId::parse(&good).unwrap().as_str(), good);
        assert_eq!(DiffId::parse(&good).unwrap().to_string(), good);
        assert_eq!(ImageId::parse("abc").unwrap_err(), DigestError::Format);
        assert_eq!(
            ImageId::parse("sha256:abc").unwrap_err().to_string(),
            "invalid checksum digest length"
        );
        let upper = good.to_uppercase().replacen("SHA256", "sha256", 1);
        assert_eq!(
            DiffId::parse(&upper).unwrap_err().to_string(),
            "invalid checksum digest format"
        );
        assert_eq!(
            ImageId::parse(&good.replacen("sha256", "md5", 1)).unwrap_err(),
            DigestError::Unsupported
        );
    }

    #[test]
    fn serialises_as_the_plain_string() {
        let id = ImageId::from_digest(sha256_digest(b"config"));
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, serde_json::to_string(id.as_str()).unwrap());
        let back: ImageId = serde_json::from_str(&json).unwrap();
        assert_eq!(back, id);
        assert_eq!(id.short().len(), 12);
    }
}
