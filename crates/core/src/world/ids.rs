//! The names the World keys its maps by, as types of their own so that a container's ID is
//! never passed where a host's name (or a container's name) is meant.

/// Declares a newtype over `String` that reads as the text it holds.
macro_rules! text_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub String);

        crate::text_id::text_id_impls!($name);

        impl From<&str> for $name {
            fn from(text: &str) -> $name {
                $name(text.to_string())
            }
        }

        impl From<String> for $name {
            fn from(text: String) -> $name {
                $name(text)
            }
        }
    };
}

text_id!(
    /// A container's full ID (64 hex digits).
    ContainerId
);

text_id!(
    /// A simulated server's name (`default`, `node-1`).
    HostName
);

/// What the World's timer set holds, after the tick it falls due at.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Timer {
    /// The cluster's controllers have work (it sorts before the restarts of the same tick).
    Cluster,
    /// A container's restart policy brings it back.
    Restart { host: HostName, id: ContainerId },
}

impl Timer {
    /// A restart on host `name` (they go with it).
    pub fn is_on(&self, name: &str) -> bool {
        matches!(self, Timer::Restart { host, .. } if host == name)
    }
}

impl ContainerId {
    /// The 12 digits docker shows.
    pub fn short(&self) -> &str {
        &self.0[..12.min(self.0.len())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn a_map_keyed_by_ids_is_found_by_the_typed_text() {
        let mut map = BTreeMap::new();
        map.insert(ContainerId::from("abc123def4567890"), 1);
        assert_eq!(map.get("abc123def4567890"), Some(&1));
        assert_eq!(
            map.keys().next().map(ContainerId::short),
            Some("abc123def456")
        );
        assert_eq!(HostName::from("node-1").to_string(), "node-1");
    }
}
