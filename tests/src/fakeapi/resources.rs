//! The fixture's discovery: which resources it serves, their plural names and scope.

use hookline_core::model::GroupKind;
use hookline_core::sim::CLUSTER_SCOPED;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceDef {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub plural: String,
    pub namespaced: bool,
}

impl ResourceDef {
    pub fn new(group: &str, version: &str, kind: &str) -> Self {
        let namespaced = !CLUSTER_SCOPED
            .iter()
            .any(|(g, k)| *g == group && *k == kind);
        ResourceDef {
            group: group.into(),
            version: version.into(),
            kind: kind.into(),
            plural: plural(kind),
            namespaced,
        }
    }

    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    pub fn gk(&self) -> GroupKind {
        GroupKind::new(&self.group, &self.kind)
    }
}

/// English plural as Kubernetes spells resource names (`ingresses`, `networkpolicies`).
pub fn plural(kind: &str) -> String {
    let k = kind.to_lowercase();
    if k.ends_with('s') || k.ends_with("ch") || k.ends_with('x') {
        format!("{k}es")
    } else if let Some(stem) = k.strip_suffix('y')
        && !stem.ends_with(['a', 'e', 'i', 'o', 'u'])
    {
        format!("{stem}ies")
    } else {
        format!("{k}s")
    }
}

/// The built-in resources every fixture serves.
pub fn builtin() -> Vec<ResourceDef> {
    [
        ("", "v1", "Namespace"),
        ("", "v1", "ConfigMap"),
        ("", "v1", "Secret"),
        ("", "v1", "Service"),
        ("", "v1", "Pod"),
        ("", "v1", "ServiceAccount"),
        ("", "v1", "PersistentVolumeClaim"),
        ("apps", "v1", "Deployment"),
        ("apps", "v1", "StatefulSet"),
        ("apps", "v1", "DaemonSet"),
        ("apps", "v1", "ReplicaSet"),
        ("batch", "v1", "Job"),
        ("batch", "v1", "CronJob"),
        ("rbac.authorization.k8s.io", "v1", "Role"),
        ("rbac.authorization.k8s.io", "v1", "RoleBinding"),
        ("rbac.authorization.k8s.io", "v1", "ClusterRole"),
        ("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding"),
        ("networking.k8s.io", "v1", "Ingress"),
        ("apiextensions.k8s.io", "v1", "CustomResourceDefinition"),
    ]
    .iter()
    .map(|(g, v, k)| ResourceDef::new(g, v, k))
    .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn plurals() {
        assert_eq!(super::plural("Ingress"), "ingresses");
        assert_eq!(super::plural("NetworkPolicy"), "networkpolicies");
        assert_eq!(super::plural("Gateway"), "gateways");
        assert_eq!(super::plural("Job"), "jobs");
    }
}
