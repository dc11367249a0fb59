//! A Service checked as kube-apiserver validates it, in its words.

use super::{ServiceRequest, Services, NODE_PORT_MAX, NODE_PORT_MIN};
use crate::cluster::ClusterError;

pub(super) fn check(req: &ServiceRequest, services: &Services) -> Result<(), ClusterError> {
    let invalid =
        |detail: String| ClusterError(format!("The Service \"{}\" is invalid: {detail}", req.name));
    if !crate::cluster::valid_name(&req.name) || req.name.contains('.') || req.name.len() > 63 {
        return Err(invalid(format!("metadata.name: Invalid value: \"{}\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')", req.name)));
    }
    if !req.name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err(invalid(format!("metadata.name: Invalid value: \"{}\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')", req.name)));
    }
    if req.ports.is_empty() && !req.headless {
        return Err(invalid("spec.ports: Required value".into()));
    }
    if req.headless && req.node_port {
        return Err(invalid("spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services".into()));
    }
    for (i, p) in req.ports.iter().enumerate() {
        if !(1..=65_535).contains(&p.port) {
            return Err(invalid(format!(
                "spec.ports[{i}].port: Invalid value: {}: must be between 1 and 65535, inclusive",
                p.port
            )));
        }
        if !(1..=65_535).contains(&p.target_port) {
            return Err(invalid(format!("spec.ports[{i}].targetPort: Invalid value: {}: must be between 1 and 65535, inclusive", p.target_port)));
        }
        if req.ports.len() > 1 && p.name.is_none() {
            return Err(invalid(format!("spec.ports[{i}].name: Required value")));
        }
        if let Some(n) = p.node_port {
            if !req.node_port {
                return Err(invalid(format!("spec.ports[{i}].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'")));
            }
            if !(NODE_PORT_MIN..=NODE_PORT_MAX).contains(&n) {
                return Err(invalid(format!("spec.ports[{i}].nodePort: Invalid value: {n}: provided port is not in the valid range. The range of valid ports is {NODE_PORT_MIN}-{NODE_PORT_MAX}")));
            }
            if services.node_ports.contains(&n) {
                return Err(invalid(format!("spec.ports[{i}].nodePort: Invalid value: {n}: provided port is already allocated")));
            }
        }
    }
    Ok(())
}
