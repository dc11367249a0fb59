//! Image references as the docker CLI normalises them: `nginx` is `nginx:latest`,
//! `docker.io/library/nginx:latest` is the same image.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a text is not an image reference, as the docker CLI words it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    #[error("invalid reference format")]
    Empty,
    #[error("invalid reference format: repository name ({0}) must be lowercase")]
    Uppercase(String),
    /// `name@sha256:...`: valid for docker, not kept in this model.
    #[error("invalid reference format: digests are not supported here ({0})")]
    Digest(String),
    /// A character or an empty part docker's grammar does not allow.
    #[error("invalid reference format")]
    Format,
}

impl From<ReferenceError> for String {
    fn from(error: ReferenceError) -> String {
        error.to_string()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Reference {
    /// Repository without the default registry and `library/` prefix ("nginx", "me/app").
    pub repository: String,
    pub tag: String,
}

impl Reference {
    /// Parses a reference, giving docker's error for malformed ones.
    pub fn parse(text: &str) -> Result<Reference, ReferenceError> {
        if text.is_empty() {
            return Err(ReferenceError::Empty);
        }
        if text.contains('@') {
            return Err(ReferenceError::Digest(text.to_string()));
        }
        let last_slash = text.rfind('/').map_or(0, |i| i + 1);
        let (repo, tag) = match text[last_slash..].find(':') {
            Some(i) => (&text[..last_slash + i], &text[last_slash + i + 1..]),
            None => (text, "latest"),
        };
        let repo = repo
            .strip_prefix("docker.io/")
            .or_else(|| repo.strip_prefix("index.docker.io/"))
            .unwrap_or(repo);
        let repo = repo.strip_prefix("library/").unwrap_or(repo);
        if repo.is_empty() || repo.chars().any(|c| c.is_ascii_uppercase()) {
            return Err(ReferenceError::Uppercase(text.to_string()));
        }
        let repo_ok = repo.split('/').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-:".contains(c))
        });
        let tag_ok = !tag.is_empty()
            && tag.len() <= 128
            && tag
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
        if !repo_ok || !tag_ok {
            return Err(ReferenceError::Format);
        }
        Ok(Reference {
            repository: repo.to_string(),
            tag: tag.to_string(),
        })
    }

    /// The fully qualified name docker prints after a pull ("docker.io/library/nginx:latest").
    pub fn qualified(&self) -> String {
        if self.repository.contains('/') {
            let first = self.repository.split('/').next().unwrap_or("");
            if first.contains('.') || first.contains(':') || first == "localhost" {
                return self.to_string();
            }
            format!("docker.io/{self}")
        } else {
            format!("docker.io/library/{self}")
        }
    }

    /// The name `docker pull` reports it pulls from ("library/nginx").
    pub fn remote_path(&self) -> String {
        if self.repository.contains('/') {
            self.repository.clone()
        } else {
            format!("library/{}", self.repository)
        }
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.repository, self.tag)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_like_docker() {
        let r = Reference::parse("docker.io/library/nginx").unwrap();
        assert_eq!(r.to_string(), "nginx:latest");
        assert_eq!(r.qualified(), "docker.io/library/nginx:latest");
        let r = Reference::parse("localhost:5000/app:v1").unwrap();
        assert_eq!(
            (r.repository.as_str(), r.tag.as_str()),
            ("localhost:5000/app", "v1")
        );
        assert_eq!(r.qualified(), "localhost:5000/app:v1");
        assert_eq!(
            Reference::parse("Nginx").unwrap_err().to_string(),
            "invalid reference format: repository name (Nginx) must be lowercase"
        );
        assert_eq!(
            Reference::parse("nginx:").unwrap_err().to_string(),
            "invalid reference format"
        );
        assert_eq!(Reference::parse(""), Err(ReferenceError::Empty));
        assert_eq!(
            Reference::parse("nginx@sha256:ab").unwrap_err().to_string(),
            "invalid reference format: digests are not supported here (nginx@sha256:ab)"
        );
    }
}
