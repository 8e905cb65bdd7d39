//! Parse-only vs parse + plan over generated manifest sets of 1k, 10k and 50k objects.
//!
//! Targets (issue 2): planning adds at most 25% over parsing alone, and 10k objects
//! parse + plan in under 100 ms. Results and the command: docs/benchmarks.md.
//!
//! ```sh
//! cargo bench -p hookline-core --bench plan -- --warm-up-time 1 --measurement-time 3
//! ```

// The benchmarked closures return `parse_str`'s `Result` as is (its error is a flat
// 160-byte struct by design, see `manifest`), so that dropping the output is measured too.
#![allow(clippy::result_large_err)]

// The allocator of the `hookline` binary, so that the figures are the CLI's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hookline_core::manifest;
use hookline_core::plan::{self, LiveSet, SyncSettings};
use std::fmt::Write;
use std::hint::black_box;

const NAMESPACES: usize = 200;
const CRDS: usize = 20;

/// A wave in -5..=20, spread over the objects.
fn wave(i: usize) -> i64 {
    (i * 7 % 26) as i64 - 5
}

/// YAML text of `n` objects: 200 Namespaces, 20 CRDs, then a mix of ConfigMaps,
/// Deployments, Services, custom resources, Argo hooks (PreSync/PostSync/SyncFail, some
/// with generateName) and Helm-annotated objects, in waves -5..20 across the namespaces.
/// Namespaces and CRDs come last and in late waves, so that the dependency moves (T-10)
/// have work to do.
pub fn generate(n: usize) -> String {
    let mut out = String::with_capacity(n * 600);
    let fixed = NAMESPACES + CRDS;
    let mixed = n.saturating_sub(fixed);
    for i in 0..mixed {
        let ns = format!("team-{:03}", i % NAMESPACES);
        let w = wave(i);
        let _ = match i % 16 {
            0..=3 => write!(
                out,
                "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config-{i}\n  namespace: {ns}\n  \
                 labels:\n    app: app-{a}\n  annotations:\n    argocd.argoproj.io/sync-wave: \"{w}\"\n\
                 data:\n  LOG_LEVEL: info\n  FEATURE_FLAGS: \"a,b,c\"\n  greeting: hello {i}\n",
                a = i % 97
            ),
            4..=6 => write!(
                out,
                "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{i}\n  namespace: {ns}\n  \
                 annotations:\n    argocd.argoproj.io/sync-wave: \"{w}\"\nspec:\n  replicas: 2\n  \
                 selector:\n    matchLabels: {{app: app-{i}}}\n  template:\n    metadata:\n      \
                 labels: {{app: app-{i}}}\n    spec:\n      containers:\n      - name: web\n        \
                 image: nginx:1.27\n        ports:\n        - containerPort: 8080\n        \
                 resources:\n          requests: {{cpu: 100m, memory: 128Mi}}\n        \
                 envFrom:\n        - configMapRef: {{name: config-{i}}}\n"
            ),
            7..=8 => write!(
                out,
                "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc-{i}\n  namespace: {ns}\n  \
                 annotations:\n    argocd.argoproj.io/sync-wave: \"{w}\"\nspec:\n  selector: {{app: app-{i}}}\n  \
                 ports:\n  - port: 80\n    targetPort: 8080\n"
            ),
            9 => write!(
                out,
                "---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate-{i}\n  namespace: {ns}\n  \
                 annotations:\n    argocd.argoproj.io/hook: PreSync\n    \
                 argocd.argoproj.io/hook-delete-policy: BeforeHookCreation,HookSucceeded\n    \
                 argocd.argoproj.io/sync-wave: \"{w}\"\nspec:\n  backoffLimit: 0\n  template:\n    spec:\n      \
                 restartPolicy: Never\n      containers:\n      - name: migrate\n        image: alpine:3.20\n        \
                 command: [sh, -c, echo migrate]\n"
            ),
            10 => write!(
                out,
                "---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: smoke-{i}-\n  namespace: {ns}\n  \
                 annotations:\n    argocd.argoproj.io/hook: PostSync\n    \
                 argocd.argoproj.io/hook-delete-policy: HookSucceeded\nspec:\n  template:\n    spec:\n      \
                 restartPolicy: Never\n      containers:\n      - name: smoke\n        image: curl:8\n"
            ),
            11 => write!(
                out,
                "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: notify-{i}\n  namespace: {ns}\n  \
                 annotations:\n    argocd.argoproj.io/hook: SyncFail\nspec:\n  restartPolicy: Never\n  \
                 containers:\n  - name: notify\n    image: alpine:3.20\n"
            ),
            12 => write!(
                out,
                "---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: helm-hook-{i}\n  namespace: {ns}\n  \
                 annotations:\n    helm.sh/hook: pre-install,pre-upgrade\n    helm.sh/hook-weight: \"{w}\"\n    \
                 helm.sh/hook-delete-policy: before-hook-creation\nspec:\n  template:\n    spec:\n      \
                 restartPolicy: Never\n      containers:\n      - name: hook\n        image: alpine:3.20\n"
            ),
            13 => write!(
                out,
                "---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa-{i}\n  namespace: {ns}\n  \
                 labels:\n    app.kubernetes.io/managed-by: Helm\n  annotations:\n    \
                 meta.helm.sh/release-name: release-{r}\n    meta.helm.sh/release-namespace: {ns}\n    \
                 helm.sh/hook-weight: \"{w}\"\n",
                r = i % 13
            ),
            _ => write!(
                out,
                "---\napiVersion: example{c}.com/v1\nkind: Widget{c}\nmetadata:\n  name: widget-{i}\n  \
                 namespace: {ns}\n  annotations:\n    argocd.argoproj.io/sync-wave: \"{w}\"\n\
                 spec:\n  size: {s}\n  colour: blue\n",
                c = i % CRDS,
                s = i % 10
            ),
        };
    }
    for c in 0..CRDS.min(n) {
        let _ = write!(
            out,
            "---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  \
             name: widget{c}s.example{c}.com\n  annotations:\n    argocd.argoproj.io/sync-wave: \"15\"\n\
             spec:\n  group: example{c}.com\n  scope: Namespaced\n  names:\n    kind: Widget{c}\n    \
             plural: widget{c}s\n    singular: widget{c}\n  versions:\n  - name: v1\n    served: true\n    \
             storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n        \
             x-kubernetes-preserve-unknown-fields: true\n"
        );
    }
    for k in 0..NAMESPACES.min(n.saturating_sub(CRDS)) {
        let _ = write!(
            out,
            "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-{k:03}\n  annotations:\n    \
             argocd.argoproj.io/sync-wave: \"20\"\n"
        );
    }
    out
}

fn bench(c: &mut Criterion) {
    let settings = SyncSettings::default();
    let live = LiveSet::default();
    let mut group = c.benchmark_group("plan");
    for n in [1_000usize, 10_000, 50_000] {
        let text = generate(n);
        eprintln!("{n} objects: {} bytes of YAML", text.len());
        // Sanity: the set is valid and plans to n objects' worth of tasks.
        let parsed = manifest::parse_str(&text, "bench.yaml").unwrap_or_default();
        assert_eq!(
            parsed.len(),
            n,
            "generator produced {} objects",
            parsed.len()
        );
        assert!(manifest::validate_set(&parsed, &settings.namespace).is_ok());
        group.throughput(Throughput::Elements(n as u64));
        if n >= 10_000 {
            group.sample_size(10);
        }
        group.bench_with_input(BenchmarkId::new("parse only", n), &text, |b, text| {
            b.iter(|| manifest::parse_str(black_box(text), "bench.yaml"))
        });
        group.bench_with_input(BenchmarkId::new("parse + plan", n), &text, |b, text| {
            b.iter(|| {
                let m = manifest::parse_str(black_box(text), "bench.yaml").unwrap_or_default();
                plan::plan(&m, &live, &settings)
            })
        });
        group.bench_with_input(BenchmarkId::new("plan only", n), &parsed, |b, m| {
            b.iter(|| plan::plan(black_box(m), &live, &settings))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
